# MBPP task 844: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert get_Number(8,5) == 2
assert get_Number(7,2) == 3
assert get_Number(5,2) == 3
