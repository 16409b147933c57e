"""Monitor: flag the batches the simulator made, so they never pass for production.

Revision ID: 0010_simulated_batches
Revises: 0009_monitor
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_simulated_batches"
down_revision = "0009_monitor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("monitoring_batches") as batch:
        batch.add_column(
            sa.Column("simulated", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("monitoring_batches") as batch:
        batch.drop_column("simulated")
