# MBPP task 942: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_element((4, 5, 7, 9, 3),  [6, 7, 10, 11]) == True
assert check_element((1, 2, 3, 4),  [4, 6, 7, 8, 9]) == True
assert check_element((3, 2, 1, 4, 5),  [9, 8, 7, 6]) == False
