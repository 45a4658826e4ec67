# MBPP task 928: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert change_date_format('2026-01-02')=='02-01-2026'
assert change_date_format('2021-01-04')=='04-01-2021'
assert change_date_format('2030-06-06')=='06-06-2030'
