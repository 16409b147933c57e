"""Alembic migrations. ``HEAD`` lets start-up skip Alembic entirely when the schema is current."""

#: The newest revision; a test checks it equals Alembic's own head.
HEAD = "0012_team"
