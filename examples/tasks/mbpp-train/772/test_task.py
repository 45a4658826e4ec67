# MBPP task 772: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert remove_length('The person is most value tet', 3) == 'person is most value'
assert remove_length('If you told me about this ok', 4) == 'If you me about ok'
assert remove_length('Forces of darkeness is come into the play', 4) == 'Forces of darkeness is the'
