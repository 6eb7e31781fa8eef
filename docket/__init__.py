"""docket: human-rights reports into a cross-referenced, cited case database."""

__version__ = "0.1.0"
