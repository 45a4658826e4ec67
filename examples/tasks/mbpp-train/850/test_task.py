# MBPP task 850: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert is_triangleexists(50,60,70)==True
assert is_triangleexists(90,45,45)==True
assert is_triangleexists(150,30,70)==False
