# MBPP task 647: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert split_upperstring("PythonProgramLanguage")==['Python','Program','Language']
assert split_upperstring("PythonProgram")==['Python','Program']
assert split_upperstring("ProgrammingLanguage")==['Programming','Language']
