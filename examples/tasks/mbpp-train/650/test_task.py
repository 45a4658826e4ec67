# MBPP task 650: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert are_Equal([1,2,3],[3,2,1],3,3) == True
assert are_Equal([1,1,1],[2,2,2],3,3) == False
assert are_Equal([8,9],[4,5,6],2,3) == False
