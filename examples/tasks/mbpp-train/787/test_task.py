# MBPP task 787: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert text_match_three("ac")==('Not matched!')
assert text_match_three("dc")==('Not matched!')
assert text_match_three("abbbba")==('Found a match!')
