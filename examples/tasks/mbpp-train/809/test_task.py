# MBPP task 809: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_smaller((1, 2, 3), (2, 3, 4)) == False
assert check_smaller((4, 5, 6), (3, 4, 5)) == True
assert check_smaller((11, 12, 13), (10, 11, 12)) == True
