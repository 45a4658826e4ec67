# MBPP task 760: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert unique_Element([1,1,1],3) == 'YES'
assert unique_Element([1,2,1,2],4) == 'NO'
assert unique_Element([1,2,3,4,5],5) == 'NO'
