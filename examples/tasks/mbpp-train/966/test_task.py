# MBPP task 966: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert remove_empty([(), (), ('',), ('a', 'b'), ('a', 'b', 'c'), ('d')])==[('',), ('a', 'b'), ('a', 'b', 'c'), 'd']
assert remove_empty([(), (), ('',), ("python"), ("program")])==[('',), ("python"), ("program")]
assert remove_empty([(), (), ('',), ("java")])==[('',),("java") ]
