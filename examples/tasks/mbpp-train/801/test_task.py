# MBPP task 801: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert test_three_equal(1,1,1) == 3
assert test_three_equal(-1,-2,-3) == 0
assert test_three_equal(1,2,2) == 2
