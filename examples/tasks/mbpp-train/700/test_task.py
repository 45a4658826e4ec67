# MBPP task 700: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_range_in_list([10,20,30,40,40,40,70,80,99],40,100)==6
assert count_range_in_list(['a','b','c','d','e','f'],'a','e')==5
assert count_range_in_list([7,8,9,15,17,19,45],15,20)==3
