# MBPP task 884: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert all_Bits_Set_In_The_Given_Range(10,2,1) == True
assert all_Bits_Set_In_The_Given_Range(5,2,4) == False
assert all_Bits_Set_In_The_Given_Range(22,2,3) == True
