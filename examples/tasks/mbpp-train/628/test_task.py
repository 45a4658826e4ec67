# MBPP task 628: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert replace_spaces("My Name is Dawood") == 'My%20Name%20is%20Dawood'
assert replace_spaces("I am a Programmer") == 'I%20am%20a%20Programmer'
assert replace_spaces("I love Coding") == 'I%20love%20Coding'
