# MBPP task 905: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sum_of_square(4) == 70
assert sum_of_square(5) == 252
assert sum_of_square(2) == 6
