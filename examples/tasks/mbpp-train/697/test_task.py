# MBPP task 697: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_even([1, 2, 3, 5, 7, 8, 9, 10])==3
assert count_even([10,15,14,13,-18,12,-20])==5
assert count_even([1, 2, 4, 8, 9])==3
