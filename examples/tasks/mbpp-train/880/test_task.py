# MBPP task 880: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert Check_Solution(2,5,2) == "2 solutions"
assert Check_Solution(1,1,1) == "No solutions"
assert Check_Solution(1,2,1) == "1 solution"
