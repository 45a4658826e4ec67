# MBPP task 781: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_Divisors(10) == "Even"
assert count_Divisors(100) == "Odd"
assert count_Divisors(125) == "Even"
