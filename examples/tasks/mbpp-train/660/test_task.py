# MBPP task 660: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert find_Points(5,10,1,5) == (1,10)
assert find_Points(3,5,7,9) == (3,9)
assert find_Points(1,5,2,8) == (1,8)
