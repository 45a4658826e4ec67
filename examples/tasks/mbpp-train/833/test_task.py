# MBPP task 833: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert get_key({1:'python',2:'java'})==[1,2]
assert get_key({10:'red',20:'blue',30:'black'})==[10,20,30]
assert get_key({27:'language',39:'java',44:'little'})==[27,39,44]
