# MBPP task 944: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert num_position("there are 70 flats in this apartment")==10
assert num_position("every adult have 32 teeth")==17
assert num_position("isha has 79 chocolates in her bag")==9
