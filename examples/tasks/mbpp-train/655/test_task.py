# MBPP task 655: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert fifth_Power_Sum(2) == 33
assert fifth_Power_Sum(4) == 1300
assert fifth_Power_Sum(3) == 276
