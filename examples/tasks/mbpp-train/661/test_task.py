# MBPP task 661: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert max_sum_of_three_consecutive([100, 1000, 100, 1000, 1], 5) == 2101
assert max_sum_of_three_consecutive([3000, 2000, 1000, 3, 10], 5) == 5013
assert max_sum_of_three_consecutive([1, 2, 3, 4, 5, 6, 7, 8], 8) == 27
