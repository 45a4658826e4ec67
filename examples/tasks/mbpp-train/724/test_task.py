# MBPP task 724: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert power_base_sum(2,100)==115
assert power_base_sum(8,10)==37
assert power_base_sum(8,15)==62
