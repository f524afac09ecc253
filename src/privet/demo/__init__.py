"""`privet demo`: an example company's site, served by privet on throw-away data."""
