# MBPP task 624: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert is_upper("person") =="PERSON"
assert is_upper("final") == "FINAL"
assert is_upper("Valid") == "VALID"
