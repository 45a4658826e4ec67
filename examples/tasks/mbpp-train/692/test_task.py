# MBPP task 692: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert last_Two_Digits(7) == 40
assert last_Two_Digits(5) == 20
assert last_Two_Digits(2) == 2
