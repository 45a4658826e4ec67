# MBPP task 784: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert mul_even_odd([1,3,5,7,4,1,6,8])==4
assert mul_even_odd([1,2,3,4,5,6,7,8,9,10])==2
assert mul_even_odd([1,5,7,9,10])==10
