# MBPP task 967: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check("SEEquoiaL") == 'accepted'
assert check('program') == "not accepted"
assert check('fine') == "not accepted"
