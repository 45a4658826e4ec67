# MBPP task 789: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert perimeter_polygon(4,20)==80
assert perimeter_polygon(10,15)==150
assert perimeter_polygon(9,7)==63
