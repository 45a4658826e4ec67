# MBPP task 682: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert mul_list([1, 2, 3],[4,5,6])==[4,10,18]
assert mul_list([1,2],[3,4])==[3,8]
assert mul_list([90,120],[50,70])==[4500,8400]
