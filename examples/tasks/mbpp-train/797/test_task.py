# MBPP task 797: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sum_in_Range(2,5) == 8
assert sum_in_Range(5,7) == 12
assert sum_in_Range(7,13) == 40
