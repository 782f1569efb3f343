"""The only conftest: shared fixtures for the whole suite."""
