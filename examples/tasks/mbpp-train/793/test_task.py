# MBPP task 793: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert last([1,2,3],1,3) == 0
assert last([1,1,1,2,3,4],1,6) == 2
assert last([2,3,2,3,6,8,9],3,8) == 3
