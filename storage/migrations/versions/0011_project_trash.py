"""Project trash: a deleted project is hidden (``deleted_at``) and restorable until purged.

Revision ID: 0011_project_trash
Revises: 0010_simulated_batches
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0011_project_trash"
down_revision = "0010_simulated_batches"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("projects", sa.Column("deleted_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    # A plain ALTER TABLE (SQLite >= 3.35): a batch copy would drop the old table, and with
    # foreign keys on that cascades into every project's rows.
    op.drop_column("projects", "deleted_at")
