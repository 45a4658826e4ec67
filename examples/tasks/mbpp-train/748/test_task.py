# MBPP task 748: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert capital_words_spaces("Python") == 'Python'
assert capital_words_spaces("PythonProgrammingExamples") == 'Python Programming Examples'
assert capital_words_spaces("GetReadyToBeCodingFreak") == 'Get Ready To Be Coding Freak'
