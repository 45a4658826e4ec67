# MBPP task 608: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert bell_Number(2) == 2
assert bell_Number(3) == 5
assert bell_Number(4) == 15
