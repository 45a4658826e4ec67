# MBPP task 802: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_Rotation([3,2,1],3) == 1
assert count_Rotation([4,5,1,2,3],5) == 2
assert count_Rotation([7,8,9,1,2,3],6) == 3
