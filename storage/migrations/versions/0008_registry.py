"""Export stage: the model registry (exported bundles with stage and history).

Revision ID: 0008_registry
Revises: 0007_fairness
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0008_registry"
down_revision = "0007_fairness"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("model_version", sa.String(120), nullable=False),
        sa.Column("bundle_sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"],
            name=op.f("fk_model_versions_project_id_projects"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_model_versions_run_id_runs"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["bundle_sha256"], ["artifacts.sha256"],
            name=op.f("fk_model_versions_bundle_sha256_artifacts"), ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint(
            "project_id", "version", name=op.f("uq_model_versions_project_version")
        ),
        sa.UniqueConstraint(
            "project_id", "bundle_sha256", name=op.f("uq_model_versions_project_bundle")
        ),
    )  # fmt: skip
    op.create_index(op.f("ix_model_versions_run_id"), "model_versions", ["run_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_model_versions_run_id"), table_name="model_versions")
    op.drop_table("model_versions")
