# MBPP task 626: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert triangle_area(0) == 0
assert triangle_area(-1) == -1
assert triangle_area(2) == 4
