# MBPP task 818: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert lower_ctr('abc') == 3
assert lower_ctr('string') == 6
assert lower_ctr('Python') == 5
