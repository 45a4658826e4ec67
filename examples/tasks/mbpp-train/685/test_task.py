# MBPP task 685: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sum_Of_Primes(10) == 17
assert sum_Of_Primes(20) == 77
assert sum_Of_Primes(5) == 10
