# MBPP task 681: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert smallest_Divisor(10) == 2
assert smallest_Divisor(25) == 5
assert smallest_Divisor(31) == 31
