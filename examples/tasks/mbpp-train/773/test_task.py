# MBPP task 773: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert occurance_substring('python programming, python language','python')==('python', 0, 6)
assert occurance_substring('python programming,programming language','programming')==('programming', 7, 18)
assert occurance_substring('python programming,programming language','language')==('language', 31, 39)
