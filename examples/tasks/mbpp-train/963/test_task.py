# MBPP task 963: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert discriminant_value(4,8,2)==("Two solutions",32)
assert discriminant_value(5,7,9)==("no real solution",-131)
assert discriminant_value(0,0,9)==("one solution",0)
