# MBPP task 605: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert prime_num(13)==True
assert prime_num(7)==True
assert prime_num(-1010)==False
