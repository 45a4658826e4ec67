# MBPP task 887: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert is_odd(5) == True
assert is_odd(6) == False
assert is_odd(7) == True
