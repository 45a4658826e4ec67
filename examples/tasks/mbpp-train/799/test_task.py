# MBPP task 799: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert left_Rotate(16,2) == 64
assert left_Rotate(10,2) == 40
assert left_Rotate(99,3) == 792
