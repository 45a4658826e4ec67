# MBPP task 674: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert remove_duplicate("Python Exercises Practice Solution Exercises")==("Python Exercises Practice Solution")
assert remove_duplicate("Python Exercises Practice Solution Python")==("Python Exercises Practice Solution")
assert remove_duplicate("Python Exercises Practice Solution Practice")==("Python Exercises Practice Solution")
