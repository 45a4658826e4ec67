# MBPP task 968: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert floor_Max(11,10,9) == 9
assert floor_Max(5,7,4) == 2
assert floor_Max(2,2,1) == 1
