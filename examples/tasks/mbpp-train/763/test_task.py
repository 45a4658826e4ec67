# MBPP task 763: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert find_Min_Diff((1,5,3,19,18,25),6) == 1
assert find_Min_Diff((4,3,2,6),4) == 1
assert find_Min_Diff((30,5,20,9),4) == 4
