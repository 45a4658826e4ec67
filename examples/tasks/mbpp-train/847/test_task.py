# MBPP task 847: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert lcopy([1, 2, 3]) == [1, 2, 3]
assert lcopy([4, 8, 2, 10, 15, 18]) == [4, 8, 2, 10, 15, 18]
assert lcopy([4, 5, 6]) == [4, 5, 6]
