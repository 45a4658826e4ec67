# MBPP task 701: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert equilibrium_index([1, 2, 3, 4, 1, 2, 3]) == 3
assert equilibrium_index([-7, 1, 5, 2, -4, 3, 0]) == 3
assert equilibrium_index([1, 2, 3]) == -1
