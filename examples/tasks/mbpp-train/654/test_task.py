# MBPP task 654: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert rectangle_perimeter(10,20)==60
assert rectangle_perimeter(10,5)==30
assert rectangle_perimeter(4,2)==12
