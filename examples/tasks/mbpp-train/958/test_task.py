# MBPP task 958: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert int_to_roman(1)==("I")
assert int_to_roman(50)==("L")
assert int_to_roman(4)==("IV")
