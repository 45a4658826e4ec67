# MBPP task 792: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_list([[1, 3], [5, 7], [9, 11], [13, 15, 17]]) == 4
assert count_list([[1,2],[2,3],[4,5]]) == 3
assert count_list([[1,0],[2,0]]) == 2
