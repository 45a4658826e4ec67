# MBPP task 768: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_Odd_Parity(13) == True
assert check_Odd_Parity(21) == True
assert check_Odd_Parity(18) == False
