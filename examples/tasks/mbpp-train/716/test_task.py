# MBPP task 716: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert rombus_perimeter(10)==40
assert rombus_perimeter(5)==20
assert rombus_perimeter(4)==16
