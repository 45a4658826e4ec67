# MBPP task 960: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert get_noOfways(4)==3
assert get_noOfways(3)==2
assert get_noOfways(5)==5
