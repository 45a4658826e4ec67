# MBPP task 680: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert increasing_trend([1,2,3,4]) == True
assert increasing_trend([4,3,2,1]) == False
assert increasing_trend([0,1,4,9]) == True
