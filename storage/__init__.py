"""Persistence: SQLAlchemy models, migrations and the content-addressed artifact store."""
