# MBPP task 931: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert sum_series(7)==784
assert sum_series(5)==225
assert sum_series(15)==14400
