# MBPP task 756: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert text_match_zero_one("ac")==('Found a match!')
assert text_match_zero_one("dc")==('Not matched!')
assert text_match_zero_one("abbbba")==('Found a match!')
