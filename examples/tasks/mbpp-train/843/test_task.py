# MBPP task 843: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert nth_super_ugly_number(12,[2,7,13,19])==32
assert nth_super_ugly_number(10,[2,7,13,19])==26
assert nth_super_ugly_number(100,[2,7,13,19])==5408
