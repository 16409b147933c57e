"""business_case_markdown: one page with every section, and user text that cannot inject HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from core.goal import (
    Costs,
    Goal,
    Milestone,
    MlNeedAnswers,
    PayoffMatrix,
    RiskItem,
    business_case_markdown,
    goal_from_dict,
    roi_estimate,
)
from core.report import escape_markdown

DEMO_GOAL = Path(__file__).resolve().parents[3] / "assets" / "demo" / "goal.yaml"


def demo_goal() -> Goal:
    return goal_from_dict(yaml.safe_load(DEMO_GOAL.read_text(encoding="utf-8")))


def hostile_goal() -> Goal:
    return Goal(
        name="<script>alert(1)</script>",
        problem="Churn & <b>bold</b> claims\n# not a heading?",
        decision="[click](javascript:alert(1))",
        currency="EUR",
        payoff=PayoffMatrix(tp=1, fp=-1, fn=-1, tn=0),
        risks=(
            RiskItem(
                name="pipe | breaks <tables>",
                category="bias",
                likelihood=3,
                impact=4,
                owner="A|B",
                mitigation='<img src=x onerror="alert(1)">',
            ),
        ),
        milestones=(Milestone(name="ship </td> it"),),
        rule="tenure_months < 6 & plan == 'basic'",
        ml_check=MlNeedAnswers(clear_rule_exists=True),
    )


def test_escape_markdown_characters() -> None:
    assert escape_markdown("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert escape_markdown("x | y") == "x \\| y"
    assert escape_markdown("[a](b)") == "\\[a\\]\\(b\\)"
    assert escape_markdown("![x](y)") == "\\!\\[x\\]\\(y\\)"
    assert escape_markdown("# *a* _b_ ~c~") == "\\# \\*a\\* \\_b\\_ \\~c\\~"
    assert escape_markdown("one\ntwo") == "one two"
    assert escape_markdown("one\ntwo", inline=False) == "one\ntwo"
    assert escape_markdown("back\\|slash") == "back\\\\\\|slash"


def test_business_case_escapes_html_and_links() -> None:
    md = business_case_markdown(hostile_goal())
    assert "<script>" not in md
    assert "<img" not in md
    assert "<b>" not in md
    assert "</td>" not in md
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in md
    assert "\\]\\(javascript" in md
    assert not re.search(r"(?<!\\)\]\(", md)  # no unescaped link syntax
    assert "tenure\\_months &lt; 6 &amp; plan" in md
    # the only raw HTML-like characters left are none at all
    assert not re.search(r"<[a-zA-Z/]", md)


def test_business_case_pipes_do_not_break_table_rows() -> None:
    md = business_case_markdown(hostile_goal())
    row = next(line for line in md.splitlines() if line.startswith("| pipe"))
    unescaped = re.findall(r"(?<!\\)\|", row)
    header = next(line for line in md.splitlines() if line.startswith("| Risk |"))
    assert len(unescaped) == header.count("|")


def test_business_case_has_every_section_for_the_demo() -> None:
    goal = demo_goal()
    md = business_case_markdown(goal, roi_estimate(goal, precision=0.6, recall=0.7))
    for heading in (
        "# Business case:",
        "## Problem",
        "## Decision",
        "## KPI",
        "## Metric",
        "## Payoff matrix",
        "## ROI",
        "## Risks",
        "## Requirements",
        "## Milestones",
        "## Is ML needed?",
    ):
        assert heading in md
    assert "146,400 EUR" in md  # net gain per month at precision 0.6, recall 0.7
    assert "Break-even precision | 0.27" in md
    assert "**Verdict: ml**" in md


def test_business_case_risks_sorted_by_score() -> None:
    goal = demo_goal().model_copy(
        update={
            "risks": (
                RiskItem(name="small", category="other", likelihood=1, impact=1),
                RiskItem(name="big", category="drift", likelihood=5, impact=5),
                RiskItem(name="middle", category="bias", likelihood=3, impact=3),
            ),
        }
    )
    md = business_case_markdown(goal)
    assert md.index("| big |") < md.index("| middle |") < md.index("| small |")


def test_business_case_without_roi_or_answers_says_so() -> None:
    goal = Goal(name="n", problem="p")
    md = business_case_markdown(goal, None)
    assert "No ROI estimate yet" in md
    assert "No KPI set yet" in md
    assert "checklist has not been answered" in md


def test_business_case_payback_never() -> None:
    goal = demo_goal().model_copy(update={"costs": Costs(build=25_000, run_per_month=10_000_000)})
    md = business_case_markdown(goal, roi_estimate(goal, precision=0.6, recall=0.7))
    assert "never at these rates" in md


def test_business_case_shows_a_different_suggestion_when_metric_differs() -> None:
    goal = demo_goal().model_copy(update={"metric": "accuracy"})
    md = business_case_markdown(goal)
    assert "Suggested instead: **expected_value**" in md


@pytest.mark.parametrize(
    "text",
    [
        "[Reset password](http://evil.example)",
        "![](http://evil.example/x.png)",
        "**bold** _it_ `code` ~~gone~~",
        "# Heading",
        "<img src=x>",
    ],
)
def test_escape_markdown_leaves_no_markdown_syntax_live(text: str) -> None:
    escaped = escape_markdown(text)
    # Every Markdown/HTML character is escaped: none is left without a backslash before it.
    bare = re.sub(r"\\.", "", escaped)
    assert not set(bare) & set("[]()!*_`~#<>|"), (text, escaped)


def test_escape_markdown_breaks_bare_addresses_that_markdown_would_link() -> None:
    """A bare http://… or www.… in user text was still a live link (GitHub-style autolinks)."""
    from core.report import escape_markdown

    shown = escape_markdown("Reset at http://evil.example or WWW.evil.example, mailto:x@y.z")
    assert "http:" not in shown and "www." not in shown.lower() and "mailto:" not in shown
    assert (
        shown.replace("\u2060", "")
        == "Reset at http://evil.example or WWW.evil.example, mailto:x@y.z"
    )
