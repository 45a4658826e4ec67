# MBPP task 925: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert mutiple_tuple((4, 3, 2, 2, -1, 18)) == -864
assert mutiple_tuple((1,2,3)) == 6
assert mutiple_tuple((-2,-4,-6)) == -48
