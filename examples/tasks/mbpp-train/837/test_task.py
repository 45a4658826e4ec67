# MBPP task 837: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert cube_Sum(2) == 28
assert cube_Sum(3) == 153
assert cube_Sum(4) == 496
