# MBPP task 935: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert series_sum(6)==91
assert series_sum(7)==140
assert series_sum(12)==650
