# MBPP task 657: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert first_Digit(5) == 1
assert first_Digit(10) == 3
assert first_Digit(7) == 5
