# MBPP task 808: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_K((10, 4, 5, 6, 8), 6) == True
assert check_K((1, 2, 3, 4, 5, 6), 7) == False
assert check_K((7, 8, 9, 44, 11, 12), 11) == True
