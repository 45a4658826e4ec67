# MBPP task 816: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert clear_tuple((1, 5, 3, 6, 8)) == ()
assert clear_tuple((2, 1, 4 ,5 ,6)) == ()
assert clear_tuple((3, 2, 5, 6, 8)) == ()
