# MBPP task 874: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_Concat("abcabcabc","abc") == True
assert check_Concat("abcab","abc") == False
assert check_Concat("aba","ab") == False
