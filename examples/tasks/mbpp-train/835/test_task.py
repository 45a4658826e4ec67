# MBPP task 835: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert slope(4,2,2,5) == -1.5
assert slope(2,4,4,6) == 1
assert slope(1,2,4,2) == 0
