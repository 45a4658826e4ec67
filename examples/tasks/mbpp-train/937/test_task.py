# MBPP task 937: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert max_char("hello world")==('l')
assert max_char("hello ")==('l')
assert max_char("python pr")==('p')
