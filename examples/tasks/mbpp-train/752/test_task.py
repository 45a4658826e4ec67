# MBPP task 752: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert jacobsthal_num(5) == 11
assert jacobsthal_num(2) == 1
assert jacobsthal_num(4) == 5
