"""Fairness stage: stored fairness reports per run.

Revision ID: 0007_fairness
Revises: 0006_evaluate
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0007_fairness"
down_revision = "0006_evaluate"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fairness_analyses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_fairness_analyses_run_id_runs"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fairness_analyses")),
    )  # fmt: skip
    op.create_index(op.f("ix_fairness_analyses_run_id"), "fairness_analyses", ["run_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_fairness_analyses_run_id"), table_name="fairness_analyses")
    op.drop_table("fairness_analyses")
