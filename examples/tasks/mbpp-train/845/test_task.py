# MBPP task 845: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert find_Digits(7) == 4
assert find_Digits(5) == 3
assert find_Digits(4) == 2
