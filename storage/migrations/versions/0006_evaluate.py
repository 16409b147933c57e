"""Evaluate stage: saved error cohorts and stored SHAP explanations per run.

Revision ID: 0006_evaluate
Revises: 0005_runs
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0006_evaluate"
down_revision = "0005_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_cohorts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"],
            name=op.f("fk_saved_cohorts_project_id_projects"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_saved_cohorts_run_id_runs"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_cohorts")),
        sa.UniqueConstraint("project_id", "name", name=op.f("uq_saved_cohorts_project_id")),
    )  # fmt: skip
    op.create_table(
        "run_explanations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("sample", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("artifact_sha256", sa.String(64), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_run_explanations_run_id_runs"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["artifact_sha256"], ["artifacts.sha256"],
            name=op.f("fk_run_explanations_artifact_sha256_artifacts"), ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_explanations")),
        sa.UniqueConstraint("run_id", "sample", "seed", name=op.f("uq_run_explanations_run_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_run_explanations_run_id"), "run_explanations", ["run_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_run_explanations_run_id"), table_name="run_explanations")
    op.drop_table("run_explanations")
    op.drop_table("saved_cohorts")
