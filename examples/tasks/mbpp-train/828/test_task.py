# MBPP task 828: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_alpha_dig_spl("abc!@#123")==(3,3,3)
assert count_alpha_dig_spl("dgsuy@#$%&1255")==(5,4,5)
assert count_alpha_dig_spl("fjdsif627348#%$^&")==(6,6,5)
