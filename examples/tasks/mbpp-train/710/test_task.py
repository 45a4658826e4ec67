# MBPP task 710: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert front_and_rear((10, 4, 5, 6, 7)) == (10, 7)
assert front_and_rear((1, 2, 3, 4, 5)) == (1, 5)
assert front_and_rear((6, 7, 8, 9, 10)) == (6, 10)
