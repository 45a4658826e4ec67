# MBPP task 678: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert remove_spaces("a b c") == "abc"
assert remove_spaces("1 2 3") == "123"
assert remove_spaces(" b c") == "bc"
