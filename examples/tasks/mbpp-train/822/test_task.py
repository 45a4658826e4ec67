# MBPP task 822: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert pass_validity("password")==False
assert pass_validity("Password@10")==True
assert pass_validity("password@10")==False
