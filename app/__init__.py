"""Lifecycle Workbench application layer: services, jobs, CLI and the Streamlit shell."""
