# MBPP task 609: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert floor_Min(10,20,30) == 15
assert floor_Min(1,2,1) == 0
assert floor_Min(11,10,9) == 9
