# MBPP task 765: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert is_polite(7) == 11
assert is_polite(4) == 7
assert is_polite(9) == 13
