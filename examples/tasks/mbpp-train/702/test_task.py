# MBPP task 702: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert removals([1, 3, 4, 9, 10,11, 12, 17, 20], 9, 4) == 5
assert removals([1, 5, 6, 2, 8], 5, 2) == 3
assert removals([1, 2, 3 ,4, 5, 6], 6, 3) == 2
