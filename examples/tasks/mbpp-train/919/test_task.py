# MBPP task 919: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert multiply_list([1,-2,3]) == -6
assert multiply_list([1,2,3,4]) == 24
assert multiply_list([3,1,2,3]) == 18
