# MBPP task 909: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert previous_palindrome(99)==88
assert previous_palindrome(1221)==1111
assert previous_palindrome(120)==111
