# MBPP task 840: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert Check_Solution(2,0,-1) == "Yes"
assert Check_Solution(1,-5,6) == "No"
assert Check_Solution(2,0,2) == "Yes"
