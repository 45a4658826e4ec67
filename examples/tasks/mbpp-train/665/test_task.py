# MBPP task 665: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert move_last([1,2,3,4]) == [2,3,4,1]
assert move_last([2,3,4,1,5,0]) == [3,4,1,5,0,2]
assert move_last([5,4,3,2,1]) == [4,3,2,1,5]
