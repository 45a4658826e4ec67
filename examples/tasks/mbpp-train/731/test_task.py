# MBPP task 731: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert lateralsurface_cone(5,12)==204.20352248333654
assert lateralsurface_cone(10,15)==566.3586699569488
assert lateralsurface_cone(19,17)==1521.8090132193388
