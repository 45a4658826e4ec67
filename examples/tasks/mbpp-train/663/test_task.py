# MBPP task 663: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert find_max_val(15, 10, 5) == 15
assert find_max_val(187, 10, 5) == 185
assert find_max_val(16, 11, 1) == 12
