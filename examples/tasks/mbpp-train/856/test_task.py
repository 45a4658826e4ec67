# MBPP task 856: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert find_Min_Swaps([1,0,1,0],4) == 3
assert find_Min_Swaps([0,1,0],3) == 1
assert find_Min_Swaps([0,0,1,1,0],5) == 2
