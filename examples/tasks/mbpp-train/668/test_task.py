# MBPP task 668: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert replace('peep','e') == 'pep'
assert replace('Greek','e') == 'Grek'
assert replace('Moon','o') == 'Mon'
