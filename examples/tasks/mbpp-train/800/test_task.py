# MBPP task 800: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert remove_all_spaces('python  program')==('pythonprogram')
assert remove_all_spaces('python   programming    language')==('pythonprogramminglanguage')
assert remove_all_spaces('python                     program')==('pythonprogram')
