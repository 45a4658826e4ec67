# MBPP task 890: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert find_Extra([1,2,3,4],[1,2,3],3) == 3
assert find_Extra([2,4,6,8,10],[2,4,6,8],4) == 4
assert find_Extra([1,3,5,7,9,11],[1,3,5,7,9],5) == 5
