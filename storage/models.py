"""SQLAlchemy 2.0 typed models. Rows hold metadata; large things are artifacts, referenced by hash."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def fit_to_column(column: Any, text: str) -> str:
    """``text`` shortened with "…" to the length of the String ``column`` (e.g. ``Job.title``).

    For labels made from what a user chose (a file name, a URL): PostgreSQL refuses a value
    longer than its varchar, where SQLite would keep it whole.
    """
    limit = column.type.length
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns timezone-aware datetimes on every backend (SQLite drops the zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use datetime.now(UTC)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}  # noqa: RUF012


class Artifact(Base):
    """A content-addressed file under ``artifacts/sha256/``; other rows point here by hash."""

    __tablename__ = "artifacts"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Last time anything in the project changed; shown as "last activity".
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when the project was moved to the trash (hidden, restorable until purged).
    deleted_at: Mapped[datetime | None] = mapped_column()

    jobs: Mapped[list[Job]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )
    goal_versions: Mapped[list[GoalVersion]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )
    dataset_versions: Mapped[list[DatasetVersion]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )


class Job(Base):
    """A unit of long work executed by the worker process; the page polls this row."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200), default="")
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result_artifact: Mapped[str | None] = mapped_column(
        ForeignKey("artifacts.sha256", ondelete="RESTRICT")
    )
    #: A stored file the job reads (e.g. an upload waiting to be imported); protects it from GC.
    input_artifact: Mapped[str | None] = mapped_column(
        ForeignKey("artifacts.sha256", ondelete="RESTRICT")
    )
    error: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    worker_id: Mapped[str | None] = mapped_column(String(120))
    #: Who asked for the job (an actor key: an e-mail in team mode, "local", "cli:NAME").
    submitted_by: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    heartbeat_at: Mapped[datetime | None] = mapped_column()

    project: Mapped[Project | None] = relationship(back_populates="jobs")


class GoalVersion(Base):
    """One saved state of a project's goal document; every change adds a version."""

    __tablename__ = "goal_versions"
    __table_args__ = (UniqueConstraint("project_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column()
    #: Where the change came from ("page", "cli", "demo", "restore of v3") and what changed.
    source: Mapped[str] = mapped_column(String(80), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Who saved it (an actor key); None for versions saved before accounts existed.
    author: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="goal_versions")


class DatasetVersion(Base):
    """One imported table, stored once as Parquet and identified by that file's hash."""

    __tablename__ = "dataset_versions"
    __table_args__ = (
        UniqueConstraint("project_id", "version"),
        UniqueConstraint(
            "project_id", "artifact_sha256", name="uq_dataset_versions_project_id_artifact"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    artifact_sha256: Mapped[str] = mapped_column(
        ForeignKey("artifacts.sha256", ondelete="RESTRICT")
    )
    #: The file as uploaded (None for SQL sources), kept so it can be re-read with other options.
    raw_sha256: Mapped[str | None] = mapped_column(
        ForeignKey("artifacts.sha256", ondelete="RESTRICT")
    )
    source: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(20))
    rows: Mapped[int] = mapped_column(Integer)
    columns: Mapped[int] = mapped_column(Integer)
    #: Read options detected/used, notes from reading, and the expectation results at import.
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="dataset_versions")
    split: Mapped[DatasetSplit | None] = relationship(
        back_populates="dataset_version", cascade="all, delete-orphan", passive_deletes=True
    )


class DataConfig(Base):
    """A project's current data settings: roles, types, target, task, expectations, recipe."""

    __tablename__ = "data_configs"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DatasetSplit(Base):
    """The frozen evaluation split of one dataset version (row ids stored as an artifact)."""

    __tablename__ = "dataset_splits"

    dataset_version_id: Mapped[int] = mapped_column(
        ForeignKey("dataset_versions.id", ondelete="CASCADE"), primary_key=True
    )
    spec: Mapped[dict[str, Any]] = mapped_column()
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    artifact_sha256: Mapped[str] = mapped_column(
        ForeignKey("artifacts.sha256", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    dataset_version: Mapped[DatasetVersion] = relationship(back_populates="split")


class DatasetNote(Base):
    """What an analyst found while exploring a version; printed later in the model card."""

    __tablename__ = "dataset_notes"

    dataset_version_id: Mapped[int] = mapped_column(
        ForeignKey("dataset_versions.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProfileReport(Base):
    """A finished full profiling report, cached by dataset version and settings."""

    __tablename__ = "profile_reports"
    __table_args__ = (UniqueConstraint("dataset_version_id", "settings_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_version_id: Mapped[int] = mapped_column(
        ForeignKey("dataset_versions.id", ondelete="CASCADE"), index=True
    )
    settings_key: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column()
    html_sha256: Mapped[str] = mapped_column(ForeignKey("artifacts.sha256", ondelete="RESTRICT"))
    summary_sha256: Mapped[str] = mapped_column(ForeignKey("artifacts.sha256", ondelete="RESTRICT"))
    rows_profiled: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Run(Base):
    """One trained model: what it was trained on, how, its scores, and the fitted pipeline."""

    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_project_created", "project_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    dataset_version_id: Mapped[int] = mapped_column(
        ForeignKey("dataset_versions.id", ondelete="CASCADE"), index=True
    )
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    model_key: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(
        String(20), default="model"
    )  # baseline, model, ensemble, mitigated
    metric: Mapped[str] = mapped_column(String(40))
    cv_mean: Mapped[float | None] = mapped_column(Float)
    cv_std: Mapped[float | None] = mapped_column(Float)
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    folds: Mapped[dict[str, Any]] = mapped_column(default=dict)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Everything needed to reproduce: dataset hash, roles, recipe, schema, goal version, versions.
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fit_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    predict_ms_per_1k: Mapped[float] = mapped_column(Float, default=0.0)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    best_threshold: Mapped[float | None] = mapped_column(Float)
    #: The decision threshold chosen on the Evaluate page (used by predict and export).
    chosen_threshold: Mapped[float | None] = mapped_column(Float)
    pipeline_sha256: Mapped[str | None] = mapped_column(
        ForeignKey("artifacts.sha256", ondelete="RESTRICT")
    )
    flags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    tags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    is_champion: Mapped[bool] = mapped_column(Boolean, default=False)
    rerun_of: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedCohort(Base):
    """A slice of rows saved on the Evaluate page, re-applied to any run to compare errors."""

    __tablename__ = "saved_cohorts"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    #: core.evaluate.cohort_to_dict: the conditions, and the numbers when it was saved.
    definition: Mapped[dict[str, Any]] = mapped_column()
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RunExplanation(Base):
    """SHAP values and permutation importance of a run on a stated sample of its test rows."""

    __tablename__ = "run_explanations"
    __table_args__ = (UniqueConstraint("run_id", "sample", "seed"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    sample: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    artifact_sha256: Mapped[str] = mapped_column(
        ForeignKey("artifacts.sha256", ondelete="RESTRICT")
    )
    #: Top features by mean |SHAP|, explainer kind, rows explained: shown without loading the artifact.
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FairnessAnalysis(Base):
    """A fairness report of a run (its JSON), kept for the stepper and the model card."""

    __tablename__ = "fairness_analyses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    #: {"attributes": [...], "bins": {column: count}}: how the groups were formed.
    settings: Mapped[dict[str, Any]] = mapped_column()
    report: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModelVersion(Base):
    """A model in the registry: an exported bundle of a run, with its stage and its history."""

    __tablename__ = "model_versions"
    __table_args__ = (
        UniqueConstraint("project_id", "version", name="uq_model_versions_project_version"),
        UniqueConstraint("project_id", "bundle_sha256", name="uq_model_versions_project_bundle"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    #: candidate, staging, production or archived
    stage: Mapped[str] = mapped_column(String(20), default="candidate")
    model_version: Mapped[str] = mapped_column(String(120))
    bundle_sha256: Mapped[str] = mapped_column(ForeignKey("artifacts.sha256", ondelete="RESTRICT"))
    size_bytes: Mapped[int] = mapped_column(Integer)
    files: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: [{"stage", "who", "why", "when"}]: every change of stage, oldest first.
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MonitoringBatch(Base):
    """One import of production predictions (a service log or a batch-scored file)."""

    __tablename__ = "monitoring_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))  # log or batch
    rows: Mapped[int] = mapped_column(Integer)
    requests: Mapped[int] = mapped_column(Integer)
    bad_lines: Mapped[list[str]] = mapped_column(JSON, default=list)
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Parquet of the rows in the log's shape, with ``actual`` once outcomes are joined.
    frame_sha256: Mapped[str] = mapped_column(ForeignKey("artifacts.sha256", ondelete="RESTRICT"))
    outcomes_matched: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Made by the simulator (the demo's "three simulated months"), not by production.
    simulated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class MonitorAlert(Base):
    """An alert raised when a batch was imported; kept as the project's alert log."""

    __tablename__ = "monitor_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("monitoring_batches.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    webhook: Mapped[str] = mapped_column(String(200), default="")  # not configured / sent / failed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MonitorSettings(Base):
    """Where the service log lives (read on demand from ``log_offset``) and the alert webhook."""

    __tablename__ = "monitor_settings"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    log_path: Mapped[str | None] = mapped_column(String(1000))
    log_offset: Mapped[int] = mapped_column(Integer, default=0)
    webhook_url: Mapped[str | None] = mapped_column(String(1000))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# -- the team: people, their rights per project, what they did and said ----------------------


class User(Base):
    """Someone who signed in (team mode); the key is the identity provider's e-mail, lowercased."""

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    #: The workspace admin sees every project and manages every membership.
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProjectMember(Base):
    """A person's role in one project; an invitation is a row for an e-mail not yet signed in."""

    __tablename__ = "project_members"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    #: owner, editor or viewer
    role: Mapped[str] = mapped_column(String(20))
    #: May approve a production promotion (four-eyes), whatever the role.
    can_approve: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by: Mapped[str] = mapped_column(String(320), default="")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActivityEntry(Base):
    """One change: who, when, what. Written by the services in the change's own transaction."""

    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_project_at", "project_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: No foreign key: the trail outlives a purged project (it is the record of the purge).
    project_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Comment(Base):
    """A note on a stage (the PM's sign-off on the goal, a reviewer's note on a run)."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_project_stage", "project_id", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(40))
    #: What on the stage it is about ("run:12", "goal:v3"); empty for the stage as a whole.
    subject: Mapped[str] = mapped_column(String(120), default="")
    author: Mapped[str] = mapped_column(String(320))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PromotionRequest(Base):
    """A request to move a registry version to production, decided by someone else (four-eyes)."""

    __tablename__ = "promotion_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    model_version_id: Mapped[int] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE")
    )
    requested_by: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(Text)
    #: The model card as it was when the request was made: what the approver reads.
    model_card: Mapped[str] = mapped_column(Text, default="")
    #: pending, approved, rejected or withdrawn
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
