# MBPP task 868: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert length_Of_Last_Word("python language") == 8
assert length_Of_Last_Word("PHP") == 3
assert length_Of_Last_Word("") == 0
