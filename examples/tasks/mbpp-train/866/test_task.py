# MBPP task 866: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_monthnumb("February")==False
assert check_monthnumb("January")==True
assert check_monthnumb("March")==True
