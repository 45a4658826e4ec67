# MBPP task 957: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert get_First_Set_Bit_Pos(12) == 3
assert get_First_Set_Bit_Pos(18) == 2
assert get_First_Set_Bit_Pos(16) == 5
