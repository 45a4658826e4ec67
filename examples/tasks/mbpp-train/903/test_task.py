# MBPP task 903: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_Unset_Bits(2) == 1
assert count_Unset_Bits(5) == 4
assert count_Unset_Bits(14) == 17
