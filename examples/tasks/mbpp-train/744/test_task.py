# MBPP task 744: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_none((10, 4, 5, 6, None)) == True
assert check_none((7, 8, 9, 11, 14)) == False
assert check_none((1, 2, 3, 4, None)) == True
