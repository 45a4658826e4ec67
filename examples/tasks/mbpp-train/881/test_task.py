# MBPP task 881: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sum_even_odd([1,3,5,7,4,1,6,8])==5
assert sum_even_odd([1,2,3,4,5,6,7,8,9,10])==3
assert sum_even_odd([1,5,7,9,10])==11
