# MBPP task 762: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_monthnumber_number(6)==True
assert check_monthnumber_number(2)==False
assert check_monthnumber_number(12)==False
