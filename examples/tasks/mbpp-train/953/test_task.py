# MBPP task 953: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert subset([1, 2, 3, 4],4) == 1
assert subset([5, 6, 9, 3, 4, 3, 4],7) == 2
assert subset([1, 2, 3 ],3) == 1
