# MBPP task 820: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_monthnum_number(2)==True
assert check_monthnum_number(1)==False
assert check_monthnum_number(3)==False
