# MBPP task 672: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert max_of_three(10,20,30)==30
assert max_of_three(55,47,39)==55
assert max_of_three(10,49,30)==49
