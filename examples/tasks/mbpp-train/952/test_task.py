# MBPP task 952: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert nCr_mod_p(10, 2, 13) == 6
assert nCr_mod_p(11, 3, 14) == 11
assert nCr_mod_p(18, 14, 19) == 1
