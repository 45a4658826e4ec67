# MBPP task 965: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert camel_to_snake('PythonProgram')==('python_program')
assert camel_to_snake('pythonLanguage')==('python_language')
assert camel_to_snake('ProgrammingLanguage')==('programming_language')
