# MBPP task 860: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_alphanumeric("dawood@") == 'Discard'
assert check_alphanumeric("skdmsam326") == 'Accept'
assert check_alphanumeric("cooltricks@") == 'Discard'
