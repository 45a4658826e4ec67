# MBPP task 930: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert text_match("msb") == 'Not matched!'
assert text_match("a0c") == 'Found a match!'
assert text_match("abbc") == 'Found a match!'
