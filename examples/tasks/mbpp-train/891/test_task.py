# MBPP task 891: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert same_Length(12,1) == False
assert same_Length(2,2) == True
assert same_Length(10,20) == True
