# MBPP task 917: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert text_uppercase_lowercase("AaBbGg")==('Found a match!')
assert text_uppercase_lowercase("aA")==('Not matched!')
assert text_uppercase_lowercase("PYTHON")==('Not matched!')
