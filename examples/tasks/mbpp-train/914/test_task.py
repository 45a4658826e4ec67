# MBPP task 914: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert is_Two_Alter("abab") == True
assert is_Two_Alter("aaaa") == False
assert is_Two_Alter("xyz") == False
