# MBPP task 947: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert len_log(["win","lose","great"]) == 3
assert len_log(["a","ab","abc"]) == 1
assert len_log(["12","12","1234"]) == 2
