# MBPP task 954: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert profit_amount(1500,1200)==300
assert profit_amount(100,200)==None
assert profit_amount(2000,5000)==None
