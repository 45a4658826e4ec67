# MBPP task 876: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert lcm(4,6) == 12
assert lcm(15,17) == 255
assert lcm(2,6) == 6
