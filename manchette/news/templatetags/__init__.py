"""Template tags of the news app."""
