"""Shared Streamlit widgets. The only package besides pages/ that imports streamlit."""
