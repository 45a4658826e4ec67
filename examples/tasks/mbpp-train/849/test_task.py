# MBPP task 849: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert Sum(60) == 10
assert Sum(39) == 16
assert Sum(40) == 7
