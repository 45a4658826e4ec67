# MBPP task 824: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert remove_even([1,3,5,2]) == [1,3,5]
assert remove_even([5,6,7]) == [5,7]
assert remove_even([1,2,3,4]) == [1,3]
