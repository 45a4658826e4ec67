# MBPP task 927: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert (max_height(root)) == 3
assert (max_height(root1)) == 5
assert (max_height(root2)) == 4
