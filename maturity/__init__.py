"""maturity: a maturity-model self-assessment engine."""

__version__ = "0.1.0"
