# MBPP task 625: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert swap_List([1,2,3]) == [3,2,1]
assert swap_List([1,2,3,4,4]) == [4,2,3,4,1]
assert swap_List([4,5,6]) == [6,5,4]
