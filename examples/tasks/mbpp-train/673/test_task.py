# MBPP task 673: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert convert([1,2,3]) == 123
assert convert([4,5,6]) == 456
assert convert([7,8,9]) == 789
