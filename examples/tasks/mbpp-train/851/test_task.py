# MBPP task 851: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert Sum_of_Inverse_Divisors(6,12) == 2
assert Sum_of_Inverse_Divisors(9,13) == 1.44
assert Sum_of_Inverse_Divisors(1,4) == 4
