"""Widgets of the Fairness page."""
