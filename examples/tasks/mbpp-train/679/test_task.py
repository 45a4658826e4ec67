# MBPP task 679: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert access_key({'physics': 80, 'math': 90, 'chemistry': 86},0)== 'physics'
assert access_key({'python':10, 'java': 20, 'C++':30},2)== 'C++'
assert access_key({'program':15,'computer':45},1)== 'computer'
