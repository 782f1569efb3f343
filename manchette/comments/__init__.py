"""Comments: a reusable, threaded comment app (imports nothing else from manchette)."""
