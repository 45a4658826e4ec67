# MBPP task 803: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert is_Perfect_Square(10) == False
assert is_Perfect_Square(36) == True
assert is_Perfect_Square(14) == False
