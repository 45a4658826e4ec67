# MBPP task 899: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check([3,2,1,2,3,4],6) == True
assert check([2,1,4,5,1],5) == True
assert check([1,2,2,1,2,3],6) == True
