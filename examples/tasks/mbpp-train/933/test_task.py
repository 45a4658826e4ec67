# MBPP task 933: MBPP (Austin et al. 2021), CC-BY-4.0, github.com/google-research/google-research
assert camel_to_snake('GoogleAssistant') == 'google_assistant'
assert camel_to_snake('ChromeCast') == 'chrome_cast'
assert camel_to_snake('QuadCore') == 'quad_core'
