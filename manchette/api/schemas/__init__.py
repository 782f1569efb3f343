"""Pydantic schemas of the API, one module per resource (input and output apart)."""
