# MBPP task 643: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert text_match_wordz_middle("pythonzabc.")==('Found a match!')
assert text_match_wordz_middle("xyzabc.")==('Found a match!')
assert text_match_wordz_middle("  lang  .")==('Not matched!')
