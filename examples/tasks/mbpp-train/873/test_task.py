# MBPP task 873: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert fibonacci(7) == 13
assert fibonacci(8) == 21
assert fibonacci(9) == 34
