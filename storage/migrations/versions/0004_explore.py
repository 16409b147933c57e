"""Exploration notes per dataset version and cached profiling reports.

Revision ID: 0004_explore
Revises: 0003_datasets
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0004_explore"
down_revision = "0003_datasets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dataset_notes",
        sa.Column("dataset_version_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_version_id"], ["dataset_versions.id"],
            name=op.f("fk_dataset_notes_dataset_version_id_dataset_versions"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dataset_version_id", name=op.f("pk_dataset_notes")),
    )  # fmt: skip
    op.create_table(
        "profile_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_version_id", sa.Integer(), nullable=False),
        sa.Column("settings_key", sa.String(200), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("html_sha256", sa.String(64), nullable=False),
        sa.Column("summary_sha256", sa.String(64), nullable=False),
        sa.Column("rows_profiled", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_version_id"], ["dataset_versions.id"],
            name=op.f("fk_profile_reports_dataset_version_id_dataset_versions"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["html_sha256"], ["artifacts.sha256"],
            name=op.f("fk_profile_reports_html_sha256_artifacts"), ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["summary_sha256"], ["artifacts.sha256"],
            name=op.f("fk_profile_reports_summary_sha256_artifacts"), ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_reports")),
        sa.UniqueConstraint(
            "dataset_version_id", "settings_key", name=op.f("uq_profile_reports_dataset_version_id")
        ),
    )  # fmt: skip
    op.create_index(
        op.f("ix_profile_reports_dataset_version_id"), "profile_reports", ["dataset_version_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_profile_reports_dataset_version_id"), table_name="profile_reports")
    op.drop_table("profile_reports")
    op.drop_table("dataset_notes")
