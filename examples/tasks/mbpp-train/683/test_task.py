# MBPP task 683: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sum_Square(25) == True
assert sum_Square(24) == False
assert sum_Square(17) == True
