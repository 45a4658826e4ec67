# MBPP task 830: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert round_up(123.01247,0)==124
assert round_up(123.01247,1)==123.1
assert round_up(123.01247,2)==123.02
