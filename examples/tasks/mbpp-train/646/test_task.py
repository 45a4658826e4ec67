# MBPP task 646: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert No_of_cubes(2,1) == 8
assert No_of_cubes(5,2) == 64
assert No_of_cubes(1,1) == 1
