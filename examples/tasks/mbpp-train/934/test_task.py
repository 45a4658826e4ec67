# MBPP task 934: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert dealnnoy_num(3, 4) == 129
assert dealnnoy_num(3, 3) == 63
assert dealnnoy_num(4, 5) == 681
