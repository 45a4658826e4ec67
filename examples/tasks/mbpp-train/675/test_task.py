# MBPP task 675: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sum_nums(2,10,11,20)==20
assert sum_nums(15,17,1,10)==32
assert sum_nums(10,15,5,30)==20
