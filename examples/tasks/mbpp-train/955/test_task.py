# MBPP task 955: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert is_abundant(12)==True
assert is_abundant(13)==False
assert is_abundant(9)==False
