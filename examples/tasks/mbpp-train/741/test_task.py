# MBPP task 741: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert all_Characters_Same("python") == False
assert all_Characters_Same("aaa") == True
assert all_Characters_Same("data") == False
