# MBPP task 775: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert odd_position([2,1,4,3,6,7,6,3]) == True
assert odd_position([4,1,2]) == True
assert odd_position([1,2,3]) == False
