# MBPP task 910: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_date(11,11,2002)==True
assert check_date(13,11,2002)==False
assert check_date('11','11','2002')==True
