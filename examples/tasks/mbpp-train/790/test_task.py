# MBPP task 790: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert even_position([3,2,1]) == False
assert even_position([1,2,3]) == False
assert even_position([2,1,4]) == True
