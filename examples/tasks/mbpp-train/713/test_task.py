# MBPP task 713: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_valid((True, True, True, True) ) == True
assert check_valid((True, False, True, True) ) == False
assert check_valid((True, True, True, True) ) == True
