# MBPP task 848: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert area_trapezium(6,9,4)==30
assert area_trapezium(10,20,30)==450
assert area_trapezium(15,25,35)==700
