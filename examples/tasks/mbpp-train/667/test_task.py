# MBPP task 667: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert Check_Vow('corner','AaEeIiOoUu') == 2
assert Check_Vow('valid','AaEeIiOoUu') == 2
assert Check_Vow('true','AaEeIiOoUu') ==2
