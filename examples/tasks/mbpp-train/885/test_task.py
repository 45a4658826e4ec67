# MBPP task 885: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert is_Isomorphic("paper","title") == True
assert is_Isomorphic("ab","ba") == True
assert is_Isomorphic("ab","aa") == False
