"""User text is shown as text on every page: a link or image in a name never renders live.

A project whose name, description, goal texts, risks, a column name and category values carry
``[Reset password](http://evil.example)`` and ``![](http://evil.example/x.png)`` is opened on
every page; no element Streamlit renders as Markdown (markdown, captions, alerts, headings,
metric labels, toasts, widget labels and help, radio options, tab and expander labels) may hold
an unescaped link or image.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.services.stages import built_stages
from tests.helpers.homes import building_home

LINK = "[Reset password](http://evil.example)"
IMAGE = "![](http://evil.example/x.png)"
NAME = f"Churn {LINK}"
COLUMN = f"region {LINK}"
PAGES = ["home.py"] + [stage.page for stage in built_stages()]
DEMO = Path(__file__).resolve().parents[2] / "assets" / "demo"

# Fields of element protos that Streamlit renders as Markdown.
_MARKDOWN_FIELDS = ("body", "label", "help", "caption", "captions", "description")
_OPTION_MARKDOWN = {"radio", "button_group"}  # widgets whose options are Markdown too
_PLAIN = {"text", "code", "json", "exception"}  # shown as text whatever they hold


def live_links(text: str) -> bool:
    """Whether ``text`` holds a live Markdown link or image to the payloads' address.

    Backslash escapes and code spans are removed first: ``\\[a\\](b)`` is text, not a link. Only links to
    ``evil.example`` count, so the app's own links (e.g. to Fairlearn's guide) do not.
    """
    bare = re.sub(r"`[^`\n]*`", "", re.sub(r"\\.", "", text))  # code spans render no links
    return bool(re.search(r"!?\[[^\]]*\]\(\s*<?https?://evil\.example", bare))


def _strings(proto: Any, fields: tuple[str, ...]) -> Iterator[str]:
    for descriptor, value in proto.ListFields():
        if hasattr(value, "ListFields"):  # a nested message
            yield from _strings(value, fields)
        elif descriptor.name in fields:
            if isinstance(value, str):
                yield value
            elif not isinstance(value, bytes | int | float):  # a repeated field
                for item in value:
                    if isinstance(item, str):
                        yield item
                    elif hasattr(item, "ListFields"):
                        yield from _strings(item, fields)


def rendered_markdown(at: Any) -> Iterator[tuple[str, str]]:
    """(element type, text) for every string Streamlit renders as Markdown on the page."""

    def walk(node: Any) -> Iterator[tuple[str, str]]:
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", type(node).__name__)
        if proto is not None and kind not in _PLAIN:
            fields = _MARKDOWN_FIELDS + (("options",) if kind in _OPTION_MARKDOWN else ())
            for text in _strings(proto, fields):
                yield kind, text
        children = getattr(node, "children", None) or {}
        for child in children.values():
            yield from walk(child)

    yield from walk(at._tree)


@pytest.fixture(scope="session")
def hostile_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with one trained project whose every user-provided text carries the payloads."""
    import pandas as pd

    root = tmp_path_factory.mktemp("hostile")
    frame = pd.read_csv(DEMO / "churn.csv").head(1500)
    frame = frame.rename(columns={"region": COLUMN})
    frame["contract"] = frame["contract"].replace({"Two year": IMAGE})
    frame["gender"] = frame["gender"].replace({"Female": f"Female {LINK}"})
    frame[f"notes {IMAGE}"] = "same"  # a constant column: a quality finding names it
    data = root / "data.csv"
    frame.to_csv(data, index=False)
    goal = yaml.safe_load((DEMO / "goal.yaml").read_text())
    goal["name"] = f"Retention {LINK}"
    goal["problem"] = f"Customers leave. {IMAGE} {LINK}"
    goal["decision"] = f"Who gets an offer {LINK}"
    goal["kpi"]["name"] = f"Churn rate {LINK}"
    goal["risks"][0]["name"] = f"Bias {LINK}"
    goal["risks"][0]["mitigation"] = f"Check {IMAGE}"
    goal["risks"][0]["owner"] = f"Owner {LINK}"
    goal["milestones"][0]["name"] = f"Sign-off {LINK}"
    goal["requirements"]["data_protection_notes"] = f"Notes {IMAGE}"
    goal_file = root / "goal.yaml"
    goal_file.write_text(yaml.safe_dump(goal, allow_unicode=True))

    path = root / "wbhome"
    with building_home(path) as run:
        for args in (
            ["project", "create", NAME, "--description", f"About {IMAGE} {LINK}"],
            ["goal", "set", NAME, str(goal_file)],
            ["data", "add", NAME, str(data), "--target", "churned", "--sensitive", "gender",
             "--id", "customer_id"],
            ["data", "split", NAME],
            ["train", NAME, "--models", "logreg", "--folds", "3"],
        ):  # fmt: skip
            run(*args)
    return path


@pytest.fixture
def hostile(home: Path, hostile_template: Path) -> int:
    from app.context import open_workbench
    from app.services.projects import list_projects

    shutil.copytree(hostile_template, home, dirs_exist_ok=True)
    return next(p.id for p in list_projects(open_workbench()) if p.name == NAME)


def test_live_links_sees_links_and_images_but_not_escaped_ones() -> None:
    from core.report import escape_markdown

    assert live_links(LINK) and live_links(IMAGE) and live_links(f"a {LINK} b")
    assert not live_links(escape_markdown(LINK)) and not live_links(escape_markdown(IMAGE))
    assert not live_links("[draft] (see below)")


@pytest.mark.parametrize("page", PAGES)
def test_no_page_renders_user_text_as_a_link_or_image(open_page, hostile: int, page: str) -> None:  # type: ignore[no-untyped-def]
    at = open_page(hostile, f"../pages/{page}")
    shown = list(rendered_markdown(at))
    assert any("evil.example" in text for _, text in shown), "the payloads are not on the page"
    live = [(kind, text[:160]) for kind, text in shown if live_links(text)]
    assert not live, f"{len(live)} element(s) on {page} render user text as Markdown: {live}"


def test_code_span_cannot_be_broken_out_of() -> None:
    from core.report import code_span

    assert code_span("age") == "`age`"
    assert not live_links(code_span(LINK))
    assert not live_links(code_span(f"a`{LINK}`"))  # a backtick would end the span: escaped


def test_errors_and_toasts_show_user_text_as_text(open_page, hostile: int) -> None:  # type: ignore[no-untyped-def]
    """Creating a second project with the same name: the refusal names it, as text."""
    at = open_page(hostile, "../pages/home.py")
    at.text_input(key="wb.home.create.name").input(NAME)
    at.text_area(key="wb.home.create.description").input(IMAGE)
    next(b for b in at.button if b.label == "Create project").click().run()
    errors = [e.value for e in at.error]
    assert any("evil.example" in text for text in errors), errors
    assert not [text for text in errors if live_links(text)], errors
