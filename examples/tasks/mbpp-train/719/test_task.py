# MBPP task 719: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert text_match("ac")==('Found a match!')
assert text_match("dc")==('Not matched!')
assert text_match("abba")==('Found a match!')
