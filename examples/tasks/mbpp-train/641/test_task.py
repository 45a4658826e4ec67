# MBPP task 641: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert is_nonagonal(10) == 325
assert is_nonagonal(15) == 750
assert is_nonagonal(18) == 1089
