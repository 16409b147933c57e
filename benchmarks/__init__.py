"""`make bench`: the workbench against the raw libraries, always measured in the same run."""
