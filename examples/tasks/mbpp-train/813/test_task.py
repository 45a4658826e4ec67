# MBPP task 813: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert string_length('python')==6
assert string_length('program')==7
assert string_length('language')==8
