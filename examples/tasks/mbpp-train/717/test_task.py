# MBPP task 717: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sd_calc([4, 2, 5, 8, 6])== 2.23606797749979
assert sd_calc([1,2,3,4,5,6,7])==2.160246899469287
assert sd_calc([5,9,10,15,6,4])==4.070217029430577
