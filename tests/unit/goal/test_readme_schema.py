"""The README's goal schema table is the one the code validates against."""

from pathlib import Path

from core.goal import GOAL_SCHEMA_DOC


def test_readme_shows_the_current_goal_schema() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    assert GOAL_SCHEMA_DOC.strip() in readme
