# MBPP task 836: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert max_sub_array_sum([-2, -3, 4, -1, -2, 1, 5, -3],8) == 5
assert max_sub_array_sum([1, -2, 1, 1, -2, 1],6) == 2
assert max_sub_array_sum([-1, -2, 3, 4, 5],5) == 3
