# MBPP task 892: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert remove_spaces('python  program')==('python program')
assert remove_spaces('python   programming    language')==('python programming language')
assert remove_spaces('python                     program')==('python program')
