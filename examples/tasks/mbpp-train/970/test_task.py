# MBPP task 970: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert min_of_two(10,20)==10
assert min_of_two(19,15)==15
assert min_of_two(-10,-20)==-20
