"""Built-in jobs that keep the store healthy: verify artifacts, collect garbage."""

from __future__ import annotations

from typing import Any

from app.jobs.registry import JobContext, job_kind
from app.services import artifacts as artifact_service


@job_kind("maintenance.verify_artifacts", title="Verify stored files")
def verify_artifacts(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    def on_progress(done: int, total: int) -> None:
        ctx.progress(done / max(total, 1), f"Checked {done:,} of {total:,} files")

    report = artifact_service.verify_all(ctx.workbench, on_progress)
    problems = [
        {"sha256": p.sha256, "problem": p.problem, "used_by": list(p.used_by), "fix": p.fix}
        for p in report.problems
    ]
    verdict = "all intact" if not problems else f"{len(problems)} damaged or missing"
    lines = [f"Checked {report.checked:,} files: {verdict}."]
    for p in report.problems:
        lines.append(f"- {p.problem}")
        lines.extend(f"  used by {use}" for use in p.used_by or ("nothing",))
        lines.append(f"  to do: {p.fix}")
    return {"checked": report.checked, "problems": problems, "_message": "\n".join(lines)}


@job_kind("maintenance.collect_garbage", title="Free unused storage")
def collect_garbage(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    ctx.progress(0.1, "Finding files nothing refers to…")
    report = artifact_service.collect_garbage(ctx.workbench)
    mb = report.freed_bytes / 1e6
    return {
        "deleted": len(report.deleted),
        "freed_bytes": report.freed_bytes,
        "_message": f"Removed {len(report.deleted)} unused files ({mb:,.1f} MB).",
    }
