# MBPP task 776: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_vowels('bestinstareels') == 7
assert count_vowels('partofthejourneyistheend') == 12
assert count_vowels('amazonprime') == 5
