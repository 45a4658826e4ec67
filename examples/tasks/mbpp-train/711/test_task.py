# MBPP task 711: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert product_Equal(2841) == True
assert product_Equal(1234) == False
assert product_Equal(1212) == False
