# MBPP task 693: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert remove_multiple_spaces('Google      Assistant') == 'Google Assistant'
assert remove_multiple_spaces('Quad      Core') == 'Quad Core'
assert remove_multiple_spaces('ChromeCast      Built-in') == 'ChromeCast Built-in'
