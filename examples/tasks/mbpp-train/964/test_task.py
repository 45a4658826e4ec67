# MBPP task 964: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert word_len("program") == False
assert word_len("solution") == True
assert word_len("data") == True
