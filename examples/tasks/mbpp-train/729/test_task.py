# MBPP task 729: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert add_list([1, 2, 3],[4,5,6])==[5, 7, 9]
assert add_list([1,2],[3,4])==[4,6]
assert add_list([10,20],[50,70])==[60,90]
