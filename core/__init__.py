"""Pure-Python ML library of the workbench: usable on its own, e.g. in a notebook.

No Streamlit, no database, no knowledge of where files live: functions take DataFrames
and dataclasses and return dataclasses (or plotly figures, from the ``*_figures`` modules).
"""
