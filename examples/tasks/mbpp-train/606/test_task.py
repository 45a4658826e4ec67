# MBPP task 606: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert radian_degree(90)==1.5707963267948966
assert radian_degree(60)==1.0471975511965976
assert radian_degree(120)==2.0943951023931953
