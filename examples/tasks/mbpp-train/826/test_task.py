# MBPP task 826: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_Type_Of_Triangle(1,2,3) == "Obtuse-angled Triangle"
assert check_Type_Of_Triangle(2,2,2) == "Acute-angled Triangle"
assert check_Type_Of_Triangle(1,0,1) == "Right-angled Triangle"
