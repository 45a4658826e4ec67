# MBPP task 638: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert wind_chill(120,35)==40
assert wind_chill(40,70)==86
assert wind_chill(10,100)==116
