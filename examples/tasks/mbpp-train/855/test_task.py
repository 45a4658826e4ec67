# MBPP task 855: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_Even_Parity(10) == True
assert check_Even_Parity(11) == False
assert check_Even_Parity(18) == True
