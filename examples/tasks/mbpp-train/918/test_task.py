# MBPP task 918: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert coin_change([1, 2, 3],3,4)==4
assert coin_change([4,5,6,7,8,9],6,9)==2
assert coin_change([4,5,6,7,8,9],6,4)==1
