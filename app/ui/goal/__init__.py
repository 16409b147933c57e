"""Widgets of the Goal page."""
