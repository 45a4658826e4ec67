# MBPP task 714: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_Fac(24) == 3
assert count_Fac(12) == 2
assert count_Fac(4) == 1
