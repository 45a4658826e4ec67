# MBPP task 757: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_reverse_pairs(["julia", "best", "tseb", "for", "ailuj"])== '2'
assert count_reverse_pairs(["geeks", "best", "for", "skeeg"]) == '1'
assert count_reverse_pairs(["makes", "best", "sekam", "for", "rof"]) == '2'
