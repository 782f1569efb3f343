"""Template tag library ``comments``."""
