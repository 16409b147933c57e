"""Export page: the model card, one button for the bundle, and the registry with its stages."""

from __future__ import annotations

import getpass

import pandas as pd
import streamlit as st

from app.context import Workbench, open_workbench
from app.jobs import list_jobs
from app.jobs.worker import ensure_worker
from app.services import export, training
from app.services.team import promotions
from app.services.team.rights import Right
from app.services.training import RunInfo
from app.ui import state
from app.ui.feedback import attempt
from app.ui.jobs import job_panel
from app.ui.labels import Labels
from core.report import escape_markdown


@st.cache_data(max_entries=8, show_spinner="Writing the model card…")
def _cached_card(run_id: int, sha: str, threshold: float | None, home: str, _stamp: str) -> str:

    wb = open_workbench()
    return export.model_card(wb, training.get_run(wb, run_id))


def build_section(wb: Workbench, run: RunInfo, entries: list[export.RegistryEntry]) -> None:
    mine = [e for e in entries if e.run_id == run.id]
    st.markdown(
        "One click builds a **self-contained bundle**: the fitted pipeline with its threshold, "
        "`schema.json`, a REST service (FastAPI), a batch scorer with `--self-test`, pinned "
        "`requirements.txt`, a Dockerfile, the model card and a manifest of sha256 hashes. "
        "It needs Python and its requirements — never the workbench."
    )
    real_rows = st.checkbox(
        "Ship real training rows as golden.csv",
        key="wb.export.golden_real_rows",
        help="Off: golden.csv holds synthetic rows drawn from the schema (no personal data).",
    )
    if real_rows:
        st.warning(export.GOLDEN_REAL_ROWS_WARNING, icon=":material/warning:")
    if st.button(
        "Build the bundle", type="primary", key="wb.export.build", icon=":material/deployed_code:",
        disabled=not state.can_edit(wb, run.project_id),
    ):  # fmt: skip
        job_id = attempt(lambda: export.submit_export(wb, run.id, golden_real_rows=real_rows))
        if job_id is not None:
            if wb.settings.autostart_worker:
                ensure_worker(wb)
            st.rerun()
    jobs = [
        j
        for j in list_jobs(wb, project_id=run.project_id, kind=export.EXPORT_KIND, limit=3)
        if j.params.get("run_id") == run.id
    ]
    if jobs and (jobs[0].is_active or not mine):
        job_panel(wb, jobs[0].id)
    if mine:
        _download(wb, mine[0])


def _download(wb: Workbench, entry: export.RegistryEntry) -> None:
    data = attempt(lambda: export.bundle_bytes(wb, entry))
    if data is None:
        return
    st.success(
        f"Bundle v{entry.version} of run {entry.run_id}: {entry.size_bytes / 1e6:.2f} MB, "
        f"{len(entry.files)} files, stage **{entry.stage}**.",
        icon=":material/verified:",
    )
    st.download_button(
        f"Download {entry.model_version}.zip", data, f"{entry.model_version}.zip", "application/zip",
        key="wb.export.download", type="primary", icon=":material/download:",
    )  # fmt: skip
    st.caption(f"sha256 of the zip: `{entry.bundle_sha256}` — compare it after copying the file.")
    st.markdown(
        "**Next:** unzip, then `python -m venv .venv && .venv/bin/pip install -r requirements.txt`, "
        "`python predict.py --self-test`, score a file with `python predict.py data.csv --out scored.csv`, "
        "or serve with `uvicorn serve:app --port 8000` (docs at `/docs`). The README inside says more."
    )
    st.caption(
        "golden.csv in the bundle holds synthetic rows drawn from the schema (for the "
        "self-test) unless **Ship real training rows as golden.csv** was ticked for this build."
    )
    with st.expander("Files in the bundle"):
        st.code("\n".join(entry.files), language=None)


def card_section(wb: Workbench, run: RunInfo) -> None:
    stamp = f"{run.chosen_threshold}:{run.is_champion}"
    card = attempt(
        lambda: _cached_card(
            run.id, run.pipeline_sha256 or "", run.threshold, str(wb.settings.home), stamp
        )
    )
    if card is None:
        return
    st.download_button(
        "Download the model card (Markdown)", card.encode("utf-8"), "model_card.md", "text/markdown",
        key="wb.export.card", icon=":material/download:",
    )  # fmt: skip
    with st.container(border=True):
        st.markdown(card)


def registry_section(wb: Workbench, project_id: int, entries: list[export.RegistryEntry]) -> None:
    if not entries:
        st.info("No exported versions yet.", icon=":material/inventory_2:")
        return
    table = pd.DataFrame(
        [
            {
                "version": e.version, "stage": e.stage, "run": e.run_id, "model version": e.model_version,
                "MB": round(e.size_bytes / 1e6, 2), "sha256": e.bundle_sha256[:16],
                "last change": f"{e.history[-1]['when']} · {e.history[-1]['who']}: {e.history[-1]['why']}" if e.history else "",
            }
            for e in entries
        ]
    )  # fmt: skip
    st.dataframe(table, hide_index=True, key="wb.export.registry")
    with st.expander("What the stages mean for a rollout", icon=":material/help:"):
        for text in export.STAGES.values():
            st.markdown(f"- **{text.split(' — ')[0]}** — {text.split(' — ')[1]}")
        st.caption(
            "A/B tests and phased rollouts are run by your serving platform; the registry records which version is where and why."
        )
    _promote_form(wb, project_id, entries, disabled=not state.can_edit(wb, project_id))
    promotions_section(wb, project_id, entries)


def _promote_form(
    wb: Workbench, project_id: int, entries: list[export.RegistryEntry], *, disabled: bool
) -> None:
    needs_approval = wb.settings.require_approval
    stages = [k for k in export.STAGES if not (needs_approval and k == "production")]
    with st.form("wb.export.promote", border=True):
        st.markdown("**Change a version's stage**")
        if needs_approval:
            st.caption("Production needs a second person's approval here: request it below.")
        cols = st.columns(2)
        labels = Labels.of(
            {e.version: f"v{e.version} — run {e.run_id} ({e.stage})" for e in entries}
        )
        version = cols[0].selectbox(
            "Version", [e.version for e in entries], format_func=labels, key="wb.export.version"
        )
        stage = cols[1].selectbox(
            "New stage",
            stages,
            index=stages.index("production") if "production" in stages else 0,
            format_func=Labels.of(export.STAGES),
            key="wb.export.stage",
        )
        who = None
        if not wb.settings.team_mode:  # a team server names the signed-in person itself
            who = st.text_input("Who decides", value=getpass.getuser(), key="wb.export.who")
        why = st.text_input(
            "Why", key="wb.export.why", placeholder="e.g. beat v2 on last month's labelled rows"
        )
        sure = st.checkbox(
            "I confirm: promoting to production archives the current production version.",
            key="wb.export.sure",
        )
        if st.form_submit_button(
            "Apply", icon=":material/published_with_changes:", disabled=disabled
        ):
            if stage == "production" and not sure:
                st.warning(
                    "Tick the confirmation to promote to production.", icon=":material/warning:"
                )
            elif (
                attempt(
                    lambda: export.set_stage(wb, project_id, int(version), stage, who=who, why=why)
                )
                is not None
            ):
                st.toast(f"v{version} is now {stage}.", icon=":material/check:")
                st.rerun()


def promotions_section(wb: Workbench, project_id: int, entries: list[export.RegistryEntry]) -> None:
    """Four-eyes: request production for a version; someone with the approver right decides."""
    if not wb.settings.require_approval:
        return
    st.markdown("##### Promotion to production (four-eyes)")
    rights = state.rights(wb, project_id)
    requests = promotions.list_requests(wb, project_id)
    pending = [r for r in requests if r.status == "pending"]
    if not pending:
        st.caption("No request waiting for a decision.")
    for request in pending:
        _pending_request(wb, request, may_decide=Right.APPROVE in rights)
    candidates = [e for e in entries if e.stage != "production"]
    if candidates:
        _request_form(wb, project_id, candidates, disabled=Right.EDIT not in rights)
    decided = [r for r in requests if r.status != "pending"]
    if decided:
        st.markdown("**Decided requests**")
        st.dataframe(
            pd.DataFrame(
                {
                    "request": [f"#{r.id}" for r in decided],
                    "version": [f"v{r.version}" for r in decided],
                    "asked by": [r.requested_by_name for r in decided],
                    "reason": [r.reason for r in decided],
                    "decision": [r.status for r in decided],
                    "decided by": [r.decided_by_name or "" for r in decided],
                    "note": [r.decision_note for r in decided],
                    "when (UTC)": [
                        f"{r.decided_at:%Y-%m-%d %H:%M}" if r.decided_at else "" for r in decided
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def _pending_request(wb: Workbench, request: promotions.PromotionInfo, *, may_decide: bool) -> None:
    mine = request.requested_by == wb.actor.key
    with st.container(border=True):
        st.markdown(
            f"**Request #{request.id}: v{request.version} (run {request.run_id}) to production** "
            f"· asked by {escape_markdown(request.requested_by_name)} "
            f"on {request.created_at:%Y-%m-%d %H:%M} UTC"
        )
        st.text(f"Reason: {request.reason}")
        with st.expander("Model card attached to the request", icon=":material/description:"):
            st.markdown(request.model_card)
        key = f"wb.export.decide.{request.id}"
        note = st.text_input("Note with the decision (optional)", key=f"{key}.note")
        approve, reject, withdraw = st.columns(3)
        blocked = not may_decide or mine
        decision: bool | None = None
        if approve.button(
            "Approve", key=f"{key}.approve", type="primary", icon=":material/check:",
            disabled=blocked,
        ):  # fmt: skip
            decision = True
        if reject.button("Reject", key=f"{key}.reject", icon=":material/close:", disabled=blocked):
            decision = False
        if decision is not None:
            verdict = decision
            decided = attempt(
                lambda: promotions.decide(wb, request.id, approve=verdict, comment=note)
            )
            if decided is not None:
                st.toast(f"Request #{request.id} {decided.status}.", icon=":material/check:")
                st.rerun()
        withdrawn = mine and withdraw.button(
            "Withdraw", key=f"{key}.withdraw", icon=":material/undo:"
        )
        if withdrawn and attempt(lambda: promotions.withdraw(wb, request.id)) is not None:
            st.rerun()
        if mine:
            st.caption(
                "You asked for this promotion: someone else with the approver right decides."
            )
        elif not may_decide:
            st.caption("Deciding needs the approver right (an owner gives it on the Team page).")


def _request_form(
    wb: Workbench, project_id: int, candidates: list[export.RegistryEntry], *, disabled: bool
) -> None:
    with st.form("wb.export.request", clear_on_submit=True, border=True):
        st.markdown("**Request production for a version**")
        labels = Labels.of(
            {e.version: f"v{e.version} — run {e.run_id} ({e.stage})" for e in candidates}
        )
        version = st.selectbox(
            "Version", [e.version for e in candidates], format_func=labels,
            key="wb.export.request.version", disabled=disabled,
        )  # fmt: skip
        reason = st.text_area(
            "Why should it go to production?", key="wb.export.request.reason", height=80,
            disabled=disabled, placeholder="e.g. +1,200 EUR/month over v2 on the held-out rows",
        )  # fmt: skip
        if st.form_submit_button(
            "Request approval", icon=":material/how_to_reg:", disabled=disabled
        ):
            made = attempt(
                lambda: promotions.request_promotion(wb, project_id, int(version), reason)
            )
            if made is not None:
                st.toast(
                    f"Requested v{version} for production (#{made.id}).", icon=":material/send:"
                )
                st.rerun()
