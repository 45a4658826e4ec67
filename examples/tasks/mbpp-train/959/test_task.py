# MBPP task 959: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert Average([15, 9, 55, 41, 35, 20, 62, 49]) == 35.75
assert Average([4, 5, 1, 2, 9, 7, 10, 8]) == 5.75
assert Average([1,2,3]) == 2
