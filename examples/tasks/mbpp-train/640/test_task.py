# MBPP task 640: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert remove_parenthesis(["python (chrome)"])==("python")
assert remove_parenthesis(["string(.abc)"])==("string")
assert remove_parenthesis(["alpha(num)"])==("alpha")
