# MBPP task 738: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert geometric_sum(7) == 1.9921875
assert geometric_sum(4) == 1.9375
assert geometric_sum(8) == 1.99609375
