# MBPP task 767: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert get_Pairs_Count([1,1,1,1],4,2) == 6
assert get_Pairs_Count([1,5,7,-1,5],5,6) == 3
assert get_Pairs_Count([1,-2,3],3,1) == 1
