# MBPP task 728: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sum_list([10,20,30],[15,25,35])==[25,45,65]
assert sum_list([1,2,3],[5,6,7])==[6,8,10]
assert sum_list([15,20,30],[15,45,75])==[30,65,105]
