# MBPP task 962: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sum_Even(2,5) == 6
assert sum_Even(3,8) == 18
assert sum_Even(4,6) == 10
