# MBPP task 924: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert max_of_two(10,20)==20
assert max_of_two(19,15)==19
assert max_of_two(-10,-20)==-10
