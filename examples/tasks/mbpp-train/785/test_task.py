# MBPP task 785: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert tuple_str_int("(7, 8, 9)") == (7, 8, 9)
assert tuple_str_int("(1, 2, 3)") == (1, 2, 3)
assert tuple_str_int("(4, 5, 6)") == (4, 5, 6)
