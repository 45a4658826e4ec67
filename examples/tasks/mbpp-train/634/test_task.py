# MBPP task 634: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert even_Power_Sum(2) == 272
assert even_Power_Sum(3) == 1568
assert even_Power_Sum(4) == 5664
