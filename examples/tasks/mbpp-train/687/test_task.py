# MBPP task 687: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert recur_gcd(12,14) == 2
assert recur_gcd(13,17) == 1
assert recur_gcd(9, 3) == 3
