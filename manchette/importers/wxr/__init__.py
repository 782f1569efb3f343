"""WordPress eXtended RSS: streaming parser and loader."""
