""" "Positive when score >= threshold" is written once, in core.metrics; everything else calls it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HOME = ROOT / "core" / "metrics.py"


def _threshold_comparisons(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        for op, right in zip(node.ops, sides[1:], strict=True):
            if isinstance(op, ast.GtE) and "threshold" in ast.unparse(right).lower():
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_score_threshold_comparison_outside_core_metrics() -> None:
    files = [p for d in ("core", "app") for p in sorted((ROOT / d).rglob("*.py")) if p != HOME]
    found = [hit for path in files for hit in _threshold_comparisons(path)]
    assert found == [], "call core.metrics.label_at_threshold / flag_at_threshold:\n" + "\n".join(
        found
    )


def test_the_scan_finds_the_rule_where_it_lives() -> None:
    assert _threshold_comparisons(HOME)  # the scan can fail: it sees the one real comparison
