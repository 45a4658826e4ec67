# MBPP task 886: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sum_num((8, 2, 3, 0, 7))==4.0
assert sum_num((-10,-20,-30))==-20.0
assert sum_num((19,15,18))==17.333333333333332
