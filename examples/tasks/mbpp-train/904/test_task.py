# MBPP task 904: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert even_num(13.5)==False
assert even_num(0)==True
assert even_num(-9)==False
