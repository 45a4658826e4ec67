# MBPP task 637: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert noprofit_noloss(1500,1200)==False
assert noprofit_noloss(100,100)==True
assert noprofit_noloss(2000,5000)==False
