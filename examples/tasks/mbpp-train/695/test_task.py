# MBPP task 695: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_greater((10, 4, 5), (13, 5, 18)) == True
assert check_greater((1, 2, 3), (2, 1, 4)) == False
assert check_greater((4, 5, 6), (5, 6, 7)) == True
