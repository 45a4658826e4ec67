# MBPP task 913: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert end_num('abcdef')==False
assert end_num('abcdef7')==True
assert end_num('abc')==False
