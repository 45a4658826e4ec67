# MBPP task 973: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert left_rotate("python",2) == "thonpy"
assert left_rotate("bigdata",3 ) == "databig"
assert left_rotate("hadoop",1 ) == "adooph"
