# MBPP task 631: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert replace_spaces('Jumanji The Jungle') == 'Jumanji_The_Jungle'
assert replace_spaces('The Avengers') == 'The_Avengers'
assert replace_spaces('Fast and Furious') == 'Fast_and_Furious'
