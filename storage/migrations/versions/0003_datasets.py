"""Dataset versions, the per-project data settings, frozen splits, job input artifacts.

Revision ID: 0003_datasets
Revises: 0002_goal_versions
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0003_datasets"
down_revision = "0002_goal_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("input_artifact", sa.String(64), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_jobs_input_artifact_artifacts"),
            "artifacts",
            ["input_artifact"],
            ["sha256"],
            ondelete="RESTRICT",
        )
    op.create_table(
        "dataset_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("artifact_sha256", sa.String(64), nullable=False),
        sa.Column("raw_sha256", sa.String(64), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("columns", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"],
            name=op.f("fk_dataset_versions_project_id_projects"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["artifact_sha256"], ["artifacts.sha256"],
            name=op.f("fk_dataset_versions_artifact_sha256_artifacts"), ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["raw_sha256"], ["artifacts.sha256"],
            name=op.f("fk_dataset_versions_raw_sha256_artifacts"), ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_versions")),
        sa.UniqueConstraint("project_id", "version", name=op.f("uq_dataset_versions_project_id")),
        sa.UniqueConstraint(
            "project_id", "artifact_sha256", name="uq_dataset_versions_project_id_artifact"
        ),
    )  # fmt: skip
    op.create_index(op.f("ix_dataset_versions_project_id"), "dataset_versions", ["project_id"])
    op.create_table(
        "data_configs",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"],
            name=op.f("fk_data_configs_project_id_projects"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_data_configs")),
    )  # fmt: skip
    op.create_table(
        "dataset_splits",
        sa.Column("dataset_version_id", sa.Integer(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("artifact_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_version_id"], ["dataset_versions.id"],
            name=op.f("fk_dataset_splits_dataset_version_id_dataset_versions"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["artifact_sha256"], ["artifacts.sha256"],
            name=op.f("fk_dataset_splits_artifact_sha256_artifacts"), ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("dataset_version_id", name=op.f("pk_dataset_splits")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("dataset_splits")
    op.drop_table("data_configs")
    op.drop_index(op.f("ix_dataset_versions_project_id"), table_name="dataset_versions")
    op.drop_table("dataset_versions")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint("fk_jobs_input_artifact_artifacts", type_="foreignkey")
        batch.drop_column("input_artifact")
