# MBPP task 746: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sector_area(4,45)==6.285714285714286
assert sector_area(9,45)==31.82142857142857
assert sector_area(9,360)==None
