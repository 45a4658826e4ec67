# MBPP task 838: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert min_Swaps("0011","1111") == 1
assert min_Swaps("00011","01001") == 2
assert min_Swaps("111","111") == 0
