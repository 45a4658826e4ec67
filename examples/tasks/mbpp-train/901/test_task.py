# MBPP task 901: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert smallest_multiple(13)==360360
assert smallest_multiple(2)==2
assert smallest_multiple(1)==1
