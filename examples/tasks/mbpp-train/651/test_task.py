# MBPP task 651: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_subset((10, 4, 5, 6), (5, 10)) == True
assert check_subset((1, 2, 3, 4), (5, 6)) == False
assert check_subset((7, 8, 9, 10), (10, 8)) == True
