"""Training runs: scores, settings, reproducibility snapshot, fitted pipeline artifact.

Revision ID: 0005_runs
Revises: 0004_explore
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0005_runs"
down_revision = "0004_explore"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("dataset_version_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("model_key", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("cv_mean", sa.Float(), nullable=True),
        sa.Column("cv_std", sa.Float(), nullable=True),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("folds", sa.JSON(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("fit_seconds", sa.Float(), nullable=False),
        sa.Column("predict_ms_per_1k", sa.Float(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("best_threshold", sa.Float(), nullable=True),
        sa.Column("chosen_threshold", sa.Float(), nullable=True),
        sa.Column("pipeline_sha256", sa.String(64), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("is_champion", sa.Boolean(), nullable=False),
        sa.Column("rerun_of", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_runs_project_id_projects"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["dataset_version_id"], ["dataset_versions.id"], name=op.f("fk_runs_dataset_version_id_dataset_versions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_runs_job_id_jobs"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["pipeline_sha256"], ["artifacts.sha256"], name=op.f("fk_runs_pipeline_sha256_artifacts"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["rerun_of"], ["runs.id"], name=op.f("fk_runs_rerun_of_runs"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )  # fmt: skip
    op.create_index("ix_runs_project_created", "runs", ["project_id", "created_at"])
    op.create_index(op.f("ix_runs_dataset_version_id"), "runs", ["dataset_version_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_runs_dataset_version_id"), table_name="runs")
    op.drop_index("ix_runs_project_created", table_name="runs")
    op.drop_table("runs")
