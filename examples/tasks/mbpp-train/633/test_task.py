# MBPP task 633: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert pair_OR_Sum([5,9,7,6],4) == 47
assert pair_OR_Sum([7,3,5],3) == 12
assert pair_OR_Sum([7,3],2) == 4
