# MBPP task 739: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert find_Index(2) == 4
assert find_Index(3) == 14
assert find_Index(4) == 45
