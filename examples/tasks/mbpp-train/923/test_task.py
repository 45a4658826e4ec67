# MBPP task 923: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert super_seq("AGGTAB", "GXTXAYB", 6, 7) == 9
assert super_seq("feek", "eke", 4, 3) == 5
assert super_seq("PARRT", "RTA", 5, 3) == 6
