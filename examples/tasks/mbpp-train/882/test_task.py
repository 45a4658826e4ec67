# MBPP task 882: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert parallelogram_perimeter(10,20)==400
assert parallelogram_perimeter(15,20)==600
assert parallelogram_perimeter(8,9)==144
