# MBPP task 735: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert toggle_middle_bits(9) == 15
assert toggle_middle_bits(10) == 12
assert toggle_middle_bits(11) == 13
