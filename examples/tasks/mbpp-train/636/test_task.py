# MBPP task 636: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert Check_Solution(2,0,2) == "Yes"
assert Check_Solution(2,-5,2) == "Yes"
assert Check_Solution(1,2,3) == "No"
