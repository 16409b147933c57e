"""The CLI's team twins: members, activity, four-eyes promotion; the CLI acts as a named admin.

Team mode needs PostgreSQL (``Settings.check``); the CLI reads its settings from the
environment, so this module's fixture patches ``Settings.check`` (for this module only) to
run team mode on the test's SQLite home.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from app.cli import main
from app.context import close_all, open_workbench
from app.services import projects, training
from app.services.team import activity, promotions
from app.settings import Settings
from tests.helpers import team_project
from tests.helpers.team import as_person, team_settings

ANA = team_project.EDITOR
Invoke = Callable[..., Result]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-team") / "wbhome"
    team_project.build_trained_home(path)
    return path


@pytest.fixture
def team_cli(trained: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Invoke]:
    """``team_cli(*args)``: the CLI in team mode on a copy of the trained home, as cli:tester."""
    shutil.copytree(trained, home)
    monkeypatch.setattr(Settings, "check", lambda self: None)  # team mode on SQLite: see top
    monkeypatch.setenv("WORKBENCH_MODE", "team")
    monkeypatch.setenv("WORKBENCH_CLI_USER", "tester")
    runner = CliRunner()
    yield lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    close_all()


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


P = team_project.PROJECT


def test_the_cli_is_a_named_admin_in_the_trail(team_cli: Invoke) -> None:
    assert team_cli("members", "invite", P, "Ana@Example.com", "--role", "editor").exit_code == 0
    entries = _json(team_cli("activity", P, "--json"))
    assert entries[0]["actor"] == "cli:tester"
    assert entries[0]["action"] == "member.invited"
    assert entries[0]["summary"] == "Invited ana@example.com as editor"


def test_local_mode_keeps_the_local_user(
    cli: Callable[..., Result], trained: Path, home: Path
) -> None:
    shutil.copytree(trained, home)
    assert cli("project", "rename", P, "Renamed locally").exit_code == 0
    wb = open_workbench()
    newest = activity.list_activity(wb, None)[0]
    assert (newest.actor, newest.action) == ("local", "project.renamed")


def test_members_invite_change_list_remove(team_cli: Invoke) -> None:
    invited = _json(
        team_cli("members", "invite", P, ANA.key, "--role", "viewer", "--approver", "--json")
    )
    assert (invited["role"], invited["can_approve"], invited["has_signed_in"]) == (
        "viewer",
        True,
        False,
    )
    changed = _json(
        team_cli("members", "change", P, ANA.key, "--role", "editor", "--no-approver", "--json")
    )
    assert (changed["role"], changed["can_approve"]) == ("editor", False)
    listed = _json(team_cli("members", "list", P, "--json"))
    assert [(m["email"], m["role"]) for m in listed] == [(ANA.key, "editor")]
    text = team_cli("members", "list", P).output
    assert ANA.key in text and "invited, not signed in yet" in text
    assert team_cli("members", "remove", P, ANA.key).exit_code == 0
    assert _json(team_cli("members", "list", P, "--json")) == []
    summaries = [e["summary"] for e in _json(team_cli("activity", P, "--area", "member", "--json"))]
    assert summaries == [
        f"Removed {ANA.key} (editor)",
        f"{ANA.key}: role viewer → editor; approver right taken away",
        f"Invited {ANA.key} as viewer with the approver right",
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (("members", "invite", P, "not-an-email"), "is not an e-mail address"),
        (("members", "invite", P, ANA.key, "--role", "boss"), "Invalid value for '--role'"),
        (("members", "change", P, ANA.key), "Say what to change"),
        (("members", "remove", P, "nobody@example.com"), "is not a member"),
        (("activity", P, "--since", "yesterday"), "--since 'yesterday' is not a date"),
        (("activity", P, "--area", "gaol"), "--area gaol is not an area"),
        (("registry", "request", P, "latest", "--why", "x"), "VERSION is a registry version"),
        (("registry", "approve", P, "999"), "no promotion request #999"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    team_cli: Invoke, args: tuple[str, ...], message: str
) -> None:
    result = team_cli(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_activity_filters_and_csv(team_cli: Invoke, tmp_path: Path) -> None:
    team_cli("members", "invite", P, ANA.key, "--role", "editor")
    team_cli("project", "rename", P, "Churn v2")
    name = "Churn v2"
    everything = _json(team_cli("activity", name, "--json"))
    assert {e["action"] for e in everything} >= {"member.invited", "project.renamed"}
    only_members = _json(team_cli("activity", name, "--area", "member", "--json"))
    assert {e["action"] for e in only_members} == {"member.invited"}
    assert _json(team_cli("activity", name, "--who", "someone@example.com", "--json")) == []
    assert len(_json(team_cli("activity", name, "--who", "cli:tester", "--json"))) == 2
    assert _json(team_cli("activity", name, "--since", "2999-01-01", "--json")) == []
    out = tmp_path / "trail.csv"
    result = team_cli("activity", name, "--who", "cli:tester", "--csv", out)
    assert result.exit_code == 0 and "Wrote 2 entries" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["account"], r["action"]) for r in rows] == [
        ("cli:tester", "project.renamed"),
        ("cli:tester", "member.invited"),
    ]


def test_four_eyes_promotion_from_the_cli(team_cli: Invoke) -> None:
    team_cli("members", "invite", P, ANA.key, "--role", "editor", "--approver")
    wb = open_workbench(team_settings())
    ana = as_person(wb, ANA)
    project_id = projects.resolve_project(wb, P).id

    # a person asks; the CLI (the server's admin) decides
    asked = promotions.request_promotion(ana, project_id, 1, "better recall")
    rejected = _json(
        team_cli("registry", "reject", P, asked.id, "--note", "card is thin", "--json")
    )
    assert (rejected["status"], rejected["decision_note"]) == ("rejected", "card is thin")

    # the CLI asks; it may not decide its own request, a person with the approver right does
    requested = _json(team_cli("registry", "request", P, "v1", "--why", "ready now", "--json"))
    assert (requested["status"], requested["requested_by"]) == ("pending", "cli:tester")
    own = team_cli("registry", "approve", P, requested["id"])
    assert own.exit_code == 2 and "someone else must decide it" in own.output
    promotions.decide(ana, requested["id"], approve=True, comment="checked")

    listed = _json(team_cli("registry", "requests", P, "--json"))
    assert [(r["id"], r["status"]) for r in listed] == [
        (requested["id"], "approved"),
        (asked.id, "rejected"),
    ]
    registry = _json(team_cli("registry", "list", P, "--json"))
    assert registry[0]["stage"] == "production"
    text = team_cli("registry", "requests", P).output
    assert f"rejected  asked by {ANA.name} (better recall) by cli:tester: card is thin" in text


def test_direct_production_is_refused_and_who_still_names_the_decider(team_cli: Invoke) -> None:
    refused = team_cli(
        "registry", "promote", P, "1", "--stage", "production", "--yes", "--why", "x"
    )
    assert refused.exit_code == 2 and "needs a second person's approval" in refused.output
    staged = team_cli(
        "registry", "promote", P, "1", "--stage", "staging", "--who", "Release bot",
        "--why", "shadow", "--json",
    )  # fmt: skip
    history = _json(staged)[0]["history"][-1]
    assert history["who"] == "Release bot (via cli:tester)" and history["why"] == "shadow"


def test_jobs_cancel_goes_through_the_guarded_service(team_cli: Invoke) -> None:
    wb = open_workbench(team_settings())
    project_id = projects.resolve_project(wb, P).id
    ana = as_person(wb, ANA)
    team_cli("members", "invite", P, ANA.key, "--role", "editor")
    job_id = training.submit_training(
        ana, project_id, training.TrainPlan(models=("logreg",), folds=2)
    )
    result = team_cli("jobs", "cancel", job_id)
    assert result.exit_code == 0 and f"Job {job_id}: cancelled" in result.output
    newest = _json(team_cli("activity", P, "--area", "training", "--json"))[:2]
    assert [(e["actor"], e["action"]) for e in newest] == [
        (ANA.key, "training.finished"),  # the job ended: recorded for the person who asked
        ("cli:tester", "training.cancelled"),
    ]
    assert team_cli("jobs", "cancel", 99999).exit_code == 2
