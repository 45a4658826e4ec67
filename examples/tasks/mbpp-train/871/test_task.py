# MBPP task 871: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert are_Rotations("abc","cba") == False
assert are_Rotations("abcd","cdba") == False
assert are_Rotations("abacd","cdaba") == True
