# MBPP task 804: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert is_Product_Even([1,2,3],3) == True
assert is_Product_Even([1,2,1,4],4) == True
assert is_Product_Even([1,1],2) == False
