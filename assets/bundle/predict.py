"""Batch scoring: ``python predict.py INPUT --out OUTPUT`` (CSV or Parquet, by extension).

Adds ``prediction`` and the probability columns to every row, scored exactly like the
service (serve.py) and the workbench; CSV cells that would run as spreadsheet formulas get
a leading apostrophe (bundle_runtime.spreadsheet_safe). ``python predict.py --self-test``
checks every file against manifest.json and scores golden.csv against its expected outputs.
Exit code 0 on success, 1 with a message on stderr otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import bundle_runtime as runtime

MAX_REPORTED = 20


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Score a CSV or Parquet file with the exported model.",
        epilog="Example: python predict.py customers.csv --out scored.csv",
    )
    parser.add_argument("input", nargs="?", help="rows to score: .csv or .parquet")
    parser.add_argument("--out", help="where to write the scored rows: .csv or .parquet")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="refuse the file when a value is unreadable or a category unknown "
        "(default: score it like the workbench does and list the problems)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="verify the files against manifest.json and score golden.csv",
    )
    return parser


def self_test() -> int:
    problems, summary = runtime.self_test()
    if problems:
        print("self-test FAILED:", file=sys.stderr)
        for problem in problems[:MAX_REPORTED]:
            print(f"  {problem}", file=sys.stderr)
        if len(problems) > MAX_REPORTED:
            print(f"  … and {len(problems) - MAX_REPORTED} more", file=sys.stderr)
        return 1
    print(summary)
    return 0


def score_file(source: Path, destination: Path, *, strict: bool) -> int:
    try:
        runtime.table_format(str(destination))
        bundle = runtime.load_bundle()
        table = runtime.read_table(source)
        frame, problems = runtime.table_to_frame(table, bundle.contract, strict=strict)
    except runtime.BundleError as error:
        print("the bundle failed its check; nothing was scored:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except runtime.InputError as error:
        print(f"{source}: cannot be scored:", file=sys.stderr)
        for problem in error.problems[:MAX_REPORTED]:
            print(f"  {problem.message}", file=sys.stderr)
        if error.total > MAX_REPORTED:
            print(f"  … {error.total:,} problems in all", file=sys.stderr)
        return 1
    except (OSError, ValueError) as error:
        print(f"{source}: cannot be read: {error}", file=sys.stderr)
        return 1
    scores = runtime.score_frame(bundle.pipeline, bundle.contract, frame)
    result = table.copy()
    for column in scores.columns:
        result[column] = scores[column].to_numpy()
    runtime.write_table(result, destination)
    for problem in problems[:MAX_REPORTED]:
        print(f"warning: {problem.message}; scored anyway", file=sys.stderr)
    if len(problems) > MAX_REPORTED:
        print(f"warning: … {len(problems):,} such values in all", file=sys.stderr)
    print(f"scored {len(result):,} rows with model {bundle.contract.model_version} → {destination}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    options = parser.parse_args(argv)
    if options.self_test:
        return self_test()
    if not options.input or not options.out:
        parser.print_usage(sys.stderr)
        print("predict.py: give INPUT and --out OUTPUT, or --self-test", file=sys.stderr)
        return 1
    return score_file(Path(options.input), Path(options.out), strict=options.strict)


if __name__ == "__main__":
    sys.exit(main())
