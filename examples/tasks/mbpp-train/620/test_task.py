# MBPP task 620: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert largest_subset([ 1, 3, 6, 13, 17, 18 ], 6) == 4
assert largest_subset([10, 5, 3, 15, 20], 5) == 3
assert largest_subset([18, 1, 3, 6, 13, 17], 6) == 4
