"""News: Wagtail pages (home, sections, articles), snippets, feeds and sitemaps."""
