"""Importers: bring content in from other systems (WordPress WXR)."""
