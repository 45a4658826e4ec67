# MBPP task 737: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_str("annie") == 'Valid'
assert check_str("dawood") == 'Invalid'
assert check_str("Else") == 'Valid'
