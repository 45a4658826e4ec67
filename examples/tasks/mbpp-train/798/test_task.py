# MBPP task 798: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert _sum([1, 2, 3]) == 6
assert _sum([15, 12, 13, 10]) == 50
assert _sum([0, 1, 2]) == 3
