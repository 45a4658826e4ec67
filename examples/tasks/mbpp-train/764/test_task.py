# MBPP task 764: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert number_ctr('program2bedone') == 1
assert number_ctr('3wonders') ==1
assert number_ctr('123') == 3
