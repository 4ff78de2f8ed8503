"""Writes of the reports app, one module per concern."""
