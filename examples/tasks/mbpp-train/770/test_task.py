# MBPP task 770: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert odd_Num_Sum(2) == 82
assert odd_Num_Sum(3) == 707
assert odd_Num_Sum(4) == 3108
