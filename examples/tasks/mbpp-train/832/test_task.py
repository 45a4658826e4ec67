# MBPP task 832: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert extract_max('100klh564abc365bg') == 564
assert extract_max('hello300how546mer231') == 546
assert extract_max('its233beenalong343journey234') == 343
