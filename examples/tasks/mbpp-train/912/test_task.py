# MBPP task 912: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert int(lobb_num(5, 3)) == 35
assert int(lobb_num(3, 2)) == 5
assert int(lobb_num(4, 2)) == 20
