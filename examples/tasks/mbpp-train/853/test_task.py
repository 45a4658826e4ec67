# MBPP task 853: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sum_of_odd_Factors(30) == 24
assert sum_of_odd_Factors(18) == 13
assert sum_of_odd_Factors(2) == 1
