"""Management commands of the Perspective-compatible API."""
