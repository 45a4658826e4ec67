# MBPP task 708: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert Convert('python program') == ['python','program']
assert Convert('Data Analysis') ==['Data','Analysis']
assert Convert('Hadoop Training') == ['Hadoop','Training']
