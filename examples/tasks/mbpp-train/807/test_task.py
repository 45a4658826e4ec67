# MBPP task 807: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert first_odd([1,3,5]) == 1
assert first_odd([2,4,1,3]) == 1
assert first_odd ([8,9,1]) == 9
