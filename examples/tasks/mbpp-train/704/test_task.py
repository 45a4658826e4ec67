# MBPP task 704: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert harmonic_sum(10)==2.9289682539682538
assert harmonic_sum(4)==2.083333333333333
assert harmonic_sum(7)==2.5928571428571425
