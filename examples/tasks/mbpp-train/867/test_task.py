# MBPP task 867: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert min_Num([1,2,3,4,5,6,7,8,9],9) == 1
assert min_Num([1,2,3,4,5,6,7,8],8) == 2
assert min_Num([1,2,3],3) == 2
