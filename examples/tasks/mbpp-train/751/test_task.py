# MBPP task 751: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_min_heap([1, 2, 3, 4, 5, 6], 0) == True
assert check_min_heap([2, 3, 4, 5, 10, 15], 0) == True
assert check_min_heap([2, 10, 4, 5, 3, 15], 0) == False
