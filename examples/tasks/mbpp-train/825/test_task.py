# MBPP task 825: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert access_elements([2,3,8,4,7,9],[0,3,5]) == [2, 4, 9]
assert access_elements([1, 2, 3, 4, 5],[1,2]) == [2,3]
assert access_elements([1,0,2,3],[0,1]) == [1,0]
