# MBPP task 877: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sort_String("cba") == "abc"
assert sort_String("data") == "aadt"
assert sort_String("zxy") == "xyz"
