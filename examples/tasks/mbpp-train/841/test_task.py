# MBPP task 841: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert get_inv_count([1, 20, 6, 4, 5], 5) == 5
assert get_inv_count([8, 4, 2, 1], 4) == 6
assert get_inv_count([3, 1, 2], 3) == 2
