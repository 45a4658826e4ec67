# MBPP task 879: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert text_match("aabbbbd") == 'Not matched!'
assert text_match("aabAbbbc") == 'Not matched!'
assert text_match("accddbbjjjb") == 'Found a match!'
