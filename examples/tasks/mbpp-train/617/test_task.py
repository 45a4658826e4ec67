# MBPP task 617: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert min_Jumps(3,4,11)==3.5
assert min_Jumps(3,4,0)==0
assert min_Jumps(11,14,11)==1
