# MBPP task 806: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert max_run_uppercase('GeMKSForGERksISBESt') == 5
assert max_run_uppercase('PrECIOusMOVemENTSYT') == 6
assert max_run_uppercase('GooGLEFluTTER') == 4
