# MBPP task 900: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert match_num('5-2345861')==True
assert match_num('6-2345861')==False
assert match_num('78910')==False
