# MBPP task 961: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert roman_to_int('MMMCMLXXXVI')==3986
assert roman_to_int('MMMM')==4000
assert roman_to_int('C')==100
