# MBPP task 707: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_Set_Bits(16) == 33
assert count_Set_Bits(2) == 2
assert count_Set_Bits(14) == 28
