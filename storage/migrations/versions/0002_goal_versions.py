"""Goal versions: every change to a project's goal document is kept.

Revision ID: 0002_goal_versions
Revises: 0001_initial
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0002_goal_versions"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "goal_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(80), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_goal_versions_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_versions")),
        sa.UniqueConstraint("project_id", "version", name=op.f("uq_goal_versions_project_id")),
    )
    op.create_index(op.f("ix_goal_versions_project_id"), "goal_versions", ["project_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_goal_versions_project_id"), table_name="goal_versions")
    op.drop_table("goal_versions")
