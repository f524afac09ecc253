"""The sections of the policy text, each worded from what the policy declares."""
