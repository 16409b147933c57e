"""Team mode in a real browser: two people sign in through OpenID Connect and work on one project.

PostgreSQL (a throwaway cluster), a local OpenID Connect provider (oidc-provider-mock) and
`workbench ui --team` in a subprocess: nothing here is patched. Ana signs in first, so she
is the workspace admin; the CLI admin seeded the demo (trained, exported: registry v1) and
made her its owner. She invites Ben as a viewer; Ben cannot change the goal, neither in the
browser (the controls are disabled) nor through the services; Ana gives him the approver
right; she asks for v1 to go to production, he approves; the Activity tab tells it all, in order.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import CHROMIUM_ARGS, ROOT, free_port, wait_for_health, workbench
from tests.helpers.oidc import MockProvider, write_auth_secrets

pytestmark = pytest.mark.e2e
DEMO = "Customer churn (demo)"
ANA, BEN = "ana@example.com", "ben@example.com"
CLI_ADMIN = "cli:e2e-admin"
SHOTS = Path(__file__).parent / "screenshots"


@dataclass(frozen=True)
class TeamServer:
    url: str
    home: Path
    env: dict[str, str]
    project_id: int

    def workbench_as(self, actor: Any) -> Any:
        """The server's workbench, opened in this test process, acting for ``actor``."""
        from app.context import open_workbench
        from app.settings import load_settings

        settings = load_settings({**self.env, "WORKBENCH_HOME": str(self.home)})
        return open_workbench(settings).acting_as(actor)


@pytest.fixture(scope="module")
def team_server(
    tmp_path_factory: pytest.TempPathFactory,
    postgres_cluster: Any,
    postgres_migrated_template: str,
    oidc_provider: MockProvider,
) -> Iterator[TeamServer]:
    """The demo, seeded by the CLI admin, served by `workbench ui --team` on PostgreSQL."""
    folder = tmp_path_factory.mktemp("team")
    home = folder / "wbhome"
    database = postgres_cluster.create_database(template=postgres_migrated_template)
    env = {
        "WORKBENCH_MODE": "team",
        "WORKBENCH_DATABASE_URL": postgres_cluster.url(database),
        "WORKBENCH_CLI_USER": CLI_ADMIN,
    }
    oidc_provider.add_user("ana", email=ANA, name="Ana Lima")
    oidc_provider.add_user("ben", email=BEN, name="Ben Okafor")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # Outside the repository: it holds the cookie secret.
    secrets = write_auth_secrets(folder / "secrets" / "secrets.toml", oidc_provider, url)
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "ui", "--team", "--secrets", str(secrets),
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **env, "WORKBENCH_HOME": str(home)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:  # the server starts while the CLI admin seeds (the CLI runs its own jobs)
        workbench("demo", home=home, env=env)
        workbench("train", DEMO, "--models", "logreg", "--folds", "3", home=home, env=env)
        workbench("export", DEMO, "--out", str(folder / "v1.zip"), home=home, env=env)
        project_id = _make_owner(home, env, ANA)
        wait_for_health(url)
        yield TeamServer(url, home, env, project_id)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
        from app.context import close_all

        close_all()
        postgres_cluster.drop_database(database)


def _make_owner(home: Path, env: dict[str, str], email: str) -> int:
    """The CLI admin invites ``email`` as owner of the demo (there is no `workbench member`)."""
    from app.actors import cli_actor
    from app.context import close_all, open_workbench
    from app.services.projects import resolve_project
    from app.services.team import members
    from app.settings import load_settings

    wb = open_workbench(load_settings({**env, "WORKBENCH_HOME": str(home)}))
    wb = wb.acting_as(cli_actor(CLI_ADMIN))
    project = resolve_project(wb, DEMO)
    members.invite(wb, project.id, email, "owner")
    close_all()
    return project.id


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: apt-get install chromium")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _sign_in(browser: Any, url: str, sub: str, label: str) -> Any:
    """A fresh browser context (its own cookies) signed in as ``sub`` at the provider."""
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.goto(url)
    page.get_by_role("button", name="Sign in").click(timeout=60_000)
    page.locator("input[name=sub]").fill(sub)  # the provider's authorize form
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text(label, exact=True).wait_for(timeout=60_000)  # the sidebar's signed-in person
    return page


def _pick(page: Any, within: Any, label: str, option: str) -> None:
    """Choose ``option`` in the selectbox labelled ``label`` (its list opens outside ``within``)."""
    within.locator('[data-testid="stSelectbox"]').filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def _member(server: TeamServer, email: str) -> tuple[str, bool] | None:
    """``email``'s role and approver right in the demo, as the database has them."""
    from app.actors import SYSTEM
    from app.services.team import members

    people = members.list_members(server.workbench_as(SYSTEM), server.project_id)
    return next(((m.role, m.can_approve) for m in people if m.email == email), None)


def _eventually(check: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait until ``check()`` holds: a click's rerun commits a moment after the click."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the change did not reach the database in time"
        time.sleep(0.25)


def _requests(server: TeamServer) -> list[tuple[int, str, str, str | None]]:
    """The demo's promotion requests: version, status, who asked, who decided."""
    from app.actors import SYSTEM
    from app.services.team import promotions

    found = promotions.list_requests(server.workbench_as(SYSTEM), server.project_id)
    return [(r.version, r.status, r.requested_by, r.decided_by) for r in found]


def _activity(page: Any, url: str, project_id: int) -> list[dict[str, str]]:
    """The Activity tab's rows, read from its CSV download (the table is drawn on a canvas)."""
    page.goto(f"{url}/team?project={project_id}")
    page.get_by_role("tab", name="Activity").click(timeout=60_000)
    with page.expect_download(timeout=60_000) as download:
        # the tab's own button, not the table toolbar's button of the same name
        button = page.locator('[data-testid="stDownloadButton"]').get_by_role("button")
        button.filter(has_text="Download as CSV").click(timeout=60_000)
    text = Path(download.value.path()).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_two_people_sign_in_invite_review_and_approve(
    team_server: TeamServer, browser: Any
) -> None:
    from app.actors import user_actor
    from app.errors import PermissionDenied
    from app.services import export, goals
    from app.services.team import promotions

    url, project_id = team_server.url, team_server.project_id
    SHOTS.mkdir(exist_ok=True)

    # Ana signs in first: she is the workspace admin, and the owner the CLI admin invited.
    ana = _sign_in(browser, url, "ana", "Ana Lima <ana@example.com>")
    ana.get_by_text("admin", exact=True).first.wait_for(timeout=30_000)
    ana.get_by_text(DEMO).first.wait_for(timeout=30_000)
    ana.screenshot(path=str(SHOTS / "team-ana-signed-in.png"))

    # She invites Ben as a viewer on the Members tab (viewer is the form's default role).
    ana.goto(f"{url}/team?project={project_id}")
    ana.get_by_label("E-mail").fill(BEN)
    ana.get_by_role("button", name="Invite").click(timeout=60_000)
    # (the confirmation toast is drawn just before a rerun and may be gone: read the database)
    _eventually(lambda: _member(team_server, BEN) == ("viewer", False))

    # Ben signs in (his own browser context) and finds the goal read-only.
    ben = _sign_in(browser, url, "ben", "Ben Okafor <ben@example.com>")
    ben.goto(f"{url}/goal?project={project_id}")
    ben.get_by_text("changes are disabled (your role is viewer)").wait_for(timeout=60_000)
    ben.get_by_text("Payoff & ROI", exact=True).click()
    field = ben.get_by_label("False positive (false alarm)")
    field.wait_for(timeout=30_000)
    assert field.is_disabled()
    ben.screenshot(path=str(SHOTS / "team-ben-viewer-goal.png"))
    # ...and the services refuse him too, whatever a page would draw.
    as_ben = team_server.workbench_as(user_actor(BEN))
    latest = goals.latest_goal(as_ben, project_id)
    assert latest is not None
    with pytest.raises(PermissionDenied):
        goals.save_goal(as_ben, project_id, latest.document, source="test", draft=True)

    # Ana gives Ben the approver right (his role stays viewer).
    ana.goto(f"{url}/team?project={project_id}")
    ana.get_by_text("Change a member").wait_for(timeout=60_000)
    _pick(ana, ana.locator('[data-testid="stMain"]'), "Member", BEN)  # outside the form
    change = ana.locator('[data-testid="stForm"]').filter(
        has=ana.get_by_role("button", name="Save")
    )
    # Picking the member reruns the page and redraws the form with Ben's values; a tick
    # made before that redraw is lost, so tick and save until the database has it.
    for _attempt in range(3):
        box = change.get_by_role("checkbox", name="Approver right", exact=True)
        if not box.is_checked():
            change.get_by_text("Approver right", exact=True).click(timeout=30_000)
        change.get_by_role("button", name="Save").click()
        try:
            _eventually(lambda: _member(team_server, BEN) == ("viewer", True), timeout=10)
            break
        except AssertionError:
            continue
    _eventually(lambda: _member(team_server, BEN) == ("viewer", True))

    # Four-eyes on the Export page: Ana asks for v1 to go to production...
    ana.goto(f"{url}/export?project={project_id}")
    ana.get_by_role("tab", name="Registry").click(timeout=60_000)
    ana.get_by_label("Why should it go to production?").fill("Beats the rule on value")
    ana.get_by_role("button", name="Request approval").click()
    _eventually(lambda: _requests(team_server) == [(1, "pending", ANA, None)])
    ana.reload()
    ana.get_by_role("tab", name="Registry").click(timeout=60_000)
    ana.get_by_text("You asked for this promotion").wait_for(timeout=60_000)
    assert ana.get_by_role("button", name="Approve").is_disabled()  # not her own request
    as_ana = team_server.workbench_as(user_actor(ANA))
    request_id = promotions.list_requests(as_ana, project_id)[0].id
    with pytest.raises(PermissionDenied):  # ...nor through the service
        promotions.decide(as_ana, request_id, approve=True)
    # ...and Ben, a viewer with the approver right, approves it.
    ben.goto(f"{url}/export?project={project_id}")
    ben.get_by_role("tab", name="Registry").click(timeout=60_000)
    ben.get_by_label("Note with the decision (optional)").fill("Checked the card")
    ben.get_by_role("button", name="Approve").click(timeout=60_000)
    _eventually(lambda: _requests(team_server) == [(1, "approved", ANA, BEN)])
    assert export.get_version(as_ana, project_id, 1).stage == "production"
    ben.reload()
    ben.get_by_role("tab", name="Registry").click(timeout=60_000)
    ben.get_by_text("No request waiting for a decision.").wait_for(timeout=60_000)
    ben.get_by_text("Decided requests").wait_for()
    ben.screenshot(path=str(SHOTS / "team-ben-approved.png"))

    # The Activity tab tells it all, newest first.
    rows = _activity(ana, url, project_id)
    ana.screenshot(path=str(SHOTS / "team-activity.png"))
    story = [(r["account"], r["action"]) for r in reversed(rows)]
    expected = [
        (CLI_ADMIN, "member.invited"),
        (ANA, "member.invited"),
        (ANA, "member.changed"),
        (ANA, "promotion.requested"),
        (BEN, "promotion.decided"),
    ]
    assert [step for step in story if step in expected] == expected, story
    assert not any(account == BEN and action == "goal.saved" for account, action in story)
