# MBPP task 761: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert arc_length(9,45)==3.5357142857142856
assert arc_length(9,480)==None
assert arc_length(5,270)==11.785714285714285
