# MBPP task 671: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert set_Right_most_Unset_Bit(21) == 23
assert set_Right_most_Unset_Bit(11) == 15
assert set_Right_most_Unset_Bit(15) == 15
