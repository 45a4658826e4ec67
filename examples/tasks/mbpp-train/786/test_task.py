# MBPP task 786: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert right_insertion([1,2,4,5],6)==4
assert right_insertion([1,2,4,5],3)==2
assert right_insertion([1,2,4,5],7)==4
