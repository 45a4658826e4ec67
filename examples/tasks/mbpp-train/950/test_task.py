# MBPP task 950: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert chinese_zodiac(1997)==('Ox')
assert chinese_zodiac(1998)==('Tiger')
assert chinese_zodiac(1994)==('Dog')
