# MBPP task 677: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert validity_triangle(60,50,90)==False
assert validity_triangle(45,75,60)==True
assert validity_triangle(30,50,100)==True
