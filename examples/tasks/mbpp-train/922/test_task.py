# MBPP task 922: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert max_product([1, 2, 3, 4, 7, 0, 8, 4])==(7, 8)
assert max_product([0, -1, -2, -4, 5, 0, -6])==(-4, -6)
assert max_product([1, 3, 5, 6, 8, 9])==(8,9)
