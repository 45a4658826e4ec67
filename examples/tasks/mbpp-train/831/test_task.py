# MBPP task 831: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_Pairs([1,1,1,1],4) == 6
assert count_Pairs([1,5,1],3) == 1
assert count_Pairs([3,2,1,7,8,9],6) == 0
