# MBPP task 664: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert average_Even(2) == 2
assert average_Even(4) == 3
assert average_Even(100) == 51
