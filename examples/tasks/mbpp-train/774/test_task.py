# MBPP task 774: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert check_email("ankitrai326@gmail.com") == 'Valid Email'
assert check_email("my.ownsite@ourearth.org") == 'Valid Email'
assert check_email("ankitaoie326.com") == 'Invalid Email'
