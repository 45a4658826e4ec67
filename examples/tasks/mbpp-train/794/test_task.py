# MBPP task 794: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert text_starta_endb("aabbbb")==('Found a match!')
assert text_starta_endb("aabAbbbc")==('Not matched!')
assert text_starta_endb("accddbbjjj")==('Not matched!')
