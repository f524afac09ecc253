"""`python -m privet` runs the command line."""

from privet.cli import app

app()
