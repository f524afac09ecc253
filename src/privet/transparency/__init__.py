"""Transparency: the policy text made from the declaration, its published versions and
change notices, and the live evidence that its promises are kept."""
