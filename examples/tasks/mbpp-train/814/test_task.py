# MBPP task 814: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert rombus_area(10,20)==100
assert rombus_area(10,5)==25
assert rombus_area(4,2)==4
