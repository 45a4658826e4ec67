# MBPP task 812: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert road_rd("ravipadu Road")==('ravipadu Rd.')
assert road_rd("palnadu Road")==('palnadu Rd.')
assert road_rd("eshwar enclave Road")==('eshwar enclave Rd.')
