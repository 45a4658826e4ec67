# MBPP task 699: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert min_Swaps("1101","1110") == 1
assert min_Swaps("1111","0100") == "Not Possible"
assert min_Swaps("1110000","0001101") == 3
