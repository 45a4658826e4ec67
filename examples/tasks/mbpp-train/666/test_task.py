# MBPP task 666: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_char("Python",'o')==1
assert count_char("little",'t')==2
assert count_char("assert",'s')==2
