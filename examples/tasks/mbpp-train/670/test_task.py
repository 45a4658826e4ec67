# MBPP task 670: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert decreasing_trend([-4,-3,-2,-1]) == True
assert decreasing_trend([1,2,3]) == True
assert decreasing_trend([3,2,1]) == False
