# MBPP task 627: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert find_First_Missing([0,1,2,3],0,3) == 4
assert find_First_Missing([0,1,2,6,9],0,4) == 3
assert find_First_Missing([2,3,5,8,9],0,4) == 0
