# MBPP task 656: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert find_Min_Sum([3,2,1],[2,1,3],3) == 0
assert find_Min_Sum([1,2,3],[4,5,6],3) == 9
assert find_Min_Sum([4,1,8,7],[2,3,6,5],4) == 6
