# MBPP task 796: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert return_sum({'a': 100, 'b':200, 'c':300}) == 600
assert return_sum({'a': 25, 'b':18, 'c':45}) == 88
assert return_sum({'a': 36, 'b':39, 'c':49}) == 124
