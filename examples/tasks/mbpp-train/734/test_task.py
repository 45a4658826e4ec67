# MBPP task 734: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sum_Of_Subarray_Prod([1,2,3],3) == 20
assert sum_Of_Subarray_Prod([1,2],2) == 5
assert sum_Of_Subarray_Prod([1,2,3,4],4) == 84
