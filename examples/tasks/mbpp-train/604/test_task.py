# MBPP task 604: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert reverse_words("python program")==("program python")
assert reverse_words("java language")==("language java")
assert reverse_words("indian man")==("man indian")
