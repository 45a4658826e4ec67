# MBPP task 926: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert rencontres_number(7, 2) == 924
assert rencontres_number(3, 0) == 2
assert rencontres_number(3, 1) == 3
