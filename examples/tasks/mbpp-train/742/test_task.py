# MBPP task 742: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert area_tetrahedron(3)==15.588457268119894
assert area_tetrahedron(20)==692.8203230275509
assert area_tetrahedron(10)==173.20508075688772
