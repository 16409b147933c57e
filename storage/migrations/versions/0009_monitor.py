"""Monitor stage: imported prediction batches, alerts, and per-project monitor settings.

Revision ID: 0009_monitor
Revises: 0008_registry
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0009_monitor"
down_revision = "0008_registry"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("bad_lines", sa.JSON(), nullable=False),
        sa.Column("window_start", UTCDateTime(), nullable=True),
        sa.Column("window_end", UTCDateTime(), nullable=True),
        sa.Column("frame_sha256", sa.String(64), nullable=False),
        sa.Column("outcomes_matched", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_monitoring_batches_project_id_projects"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_monitoring_batches_run_id_runs"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["frame_sha256"], ["artifacts.sha256"], name=op.f("fk_monitoring_batches_frame_sha256_artifacts"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_batches")),
    )  # fmt: skip
    op.create_index(op.f("ix_monitoring_batches_project_id"), "monitoring_batches", ["project_id"])
    op.create_table(
        "monitor_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("webhook", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_monitor_alerts_project_id_projects"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["batch_id"], ["monitoring_batches.id"], name=op.f("fk_monitor_alerts_batch_id_monitoring_batches"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_alerts")),
    )  # fmt: skip
    op.create_index(op.f("ix_monitor_alerts_project_id"), "monitor_alerts", ["project_id"])
    op.create_table(
        "monitor_settings",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("log_path", sa.String(1000), nullable=True),
        sa.Column("log_offset", sa.Integer(), nullable=False),
        sa.Column("webhook_url", sa.String(1000), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_monitor_settings_project_id_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_monitor_settings")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("monitor_settings")
    op.drop_index(op.f("ix_monitor_alerts_project_id"), table_name="monitor_alerts")
    op.drop_table("monitor_alerts")
    op.drop_index(op.f("ix_monitoring_batches_project_id"), table_name="monitoring_batches")
    op.drop_table("monitoring_batches")
