# MBPP task 759: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert is_decimal('123.11')==True
assert is_decimal('e666.86')==False
assert is_decimal('3.124587')==False
