# MBPP task 907: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert lucky_num(10)==[1, 3, 7, 9, 13, 15, 21, 25, 31, 33]
assert lucky_num(5)==[1, 3, 7, 9, 13]
assert lucky_num(8)==[1, 3, 7, 9, 13, 15, 21, 25]
