"""Management commands of the importers app."""
