"""manchette: a newsroom platform with local, multilingual comment moderation."""

__version__ = "0.1.0"
