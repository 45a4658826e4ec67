# MBPP task 897: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert is_Word_Present("machine learning","machine") == True
assert is_Word_Present("easy","fun") == False
assert is_Word_Present("python language","code") == False
