"""Widgets of the Explore page."""
