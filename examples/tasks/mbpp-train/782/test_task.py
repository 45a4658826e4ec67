# MBPP task 782: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert Odd_Length_Sum([1,2,4]) == 14
assert Odd_Length_Sum([1,2,1,2]) == 15
assert Odd_Length_Sum([1,7]) == 8
