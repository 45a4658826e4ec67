# MBPP task 771: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_expression("{()}[{}]") == True
assert check_expression("{()}[{]") == False
assert check_expression("{()}[{}][]({})") == True
