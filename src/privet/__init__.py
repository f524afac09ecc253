"""privet keeps the promises that a privacy policy makes."""

__version__ = "0.1.0"
