# MBPP task 688: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert len_complex(3,4)==5.0
assert len_complex(9,10)==13.45362404707371
assert len_complex(7,9)==11.40175425099138
