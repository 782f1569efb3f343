"""A project-side comment model, proving ``COMMENTS_MODEL`` swaps the model."""
