# MBPP task 852: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert remove_negs([1,-2,3,-4]) == [1,3]
assert remove_negs([1,2,3,-4]) == [1,2,3]
assert remove_negs([4,5,-6,7,-8]) == [4,5,7]
