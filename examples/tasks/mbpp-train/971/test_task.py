# MBPP task 971: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert maximum_segments(7, 5, 2, 5) == 2
assert maximum_segments(17, 2, 1, 3) == 17
assert maximum_segments(18, 16, 3, 6) == 6
