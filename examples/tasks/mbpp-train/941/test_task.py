# MBPP task 941: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert count_elim([10,20,30,(10,20),40])==3
assert count_elim([10,(20,30),(10,20),40])==1
assert count_elim([(10,(20,30,(10,20),40))])==0
