# MBPP task 602: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert first_repeated_char("abcabc") == "a"
assert first_repeated_char("abc") == "None"
assert first_repeated_char("123123") == "1"
