# MBPP task 684: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_Char("abcac",'a') == 4
assert count_Char("abca",'c') == 2
assert count_Char("aba",'a') == 7
