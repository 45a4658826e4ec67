# MBPP task 755: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert second_smallest([1, 2, -8, -2, 0, -2])==-2
assert second_smallest([1, 1, -0.5, 0, 2, -2, -2])==-0.5
assert second_smallest([2,2])==None
