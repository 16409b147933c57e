"""Widgets of the Export page."""
