"""Widgets of the Evaluate page."""
