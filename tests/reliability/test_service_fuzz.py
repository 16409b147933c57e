"""Property-based fuzz of the bundle's service from its own OpenAPI schema: no 5xx, ever.

Request bodies are drawn from the /predict request schema in /openapi.json (every type each
column allows, its categories, nulls) and then broken on purpose: fields dropped or added,
values of the wrong type, numbers of any size, text of any code point (lone surrogates
too), nesting, and bytes that are no JSON at all. Bounded (FUZZ_EXAMPLES) to stay fast.
"""

from __future__ import annotations

import json
import os

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.bundle_service import serve_client

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
ANSWERS: list[int] = []


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    return serve_client(tmp_path_factory.mktemp("fuzz"))


def _row_schema(client) -> dict:
    openapi = client.get("/openapi.json").json()
    body = openapi["paths"]["/predict"]["post"]["requestBody"]["content"]["application/json"]
    return body["schema"]["properties"]["rows"]["items"]


ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=20)
NUMBERS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([3.4e38, 3.5e38, 1e308, -1e308, 5e-324, -0.0]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, ANY_TEXT)
ANYTHING = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3), max_leaves=8)


def _value(prop: dict) -> st.SearchStrategy:
    """A value the property allows (mostly) or any value at all (sometimes)."""
    choices = []
    if "enum" in prop:
        choices.append(st.sampled_from(prop["enum"]))
    types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    if "number" in types:
        choices.append(NUMBERS)
    if "string" in types:
        choices.append(ANY_TEXT)
    if "boolean" in types:
        choices.append(st.booleans())
    if "null" in types:
        choices.append(st.none())
    return st.one_of(*choices, ANYTHING)


def _rows(schema: dict) -> st.SearchStrategy:
    row = st.fixed_dictionaries({name: _value(p) for name, p in schema["properties"].items()})
    broken = st.tuples(row, st.sets(st.sampled_from(sorted(schema["properties"]))), ANY_TEXT)
    return st.one_of(
        row,
        broken.map(lambda t: {k: v for k, v in t[0].items() if k not in t[1]}),  # dropped
        broken.map(lambda t: {**t[0], t[2]: 1}),  # an extra field
        ANYTHING,  # not a row at all
    )


def _bodies(schema: dict) -> st.SearchStrategy:
    rows = st.lists(_rows(schema), min_size=0, max_size=4)
    as_json = st.one_of(
        st.fixed_dictionaries({"rows": rows}),
        st.dictionaries(ANY_TEXT, ANYTHING, max_size=2),
        st.integers(1, 5000).map(lambda n: "[" * n + "]" * n),  # nesting
        ANYTHING,
    ).map(lambda b: b if isinstance(b, str) else json.dumps(b))
    return st.one_of(as_json.map(str.encode), as_json.map(str.encode), st.binary(max_size=64))


def test_no_answer_is_a_5xx(service) -> None:
    client, log, _ = service
    strategy = _bodies(_row_schema(client))
    failures: list[tuple[int, bytes, str]] = []

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def one(body: bytes) -> None:
        answer = client.post("/predict", content=body, headers={"Content-Type": "application/json"})
        ANSWERS.append(answer.status_code)
        if answer.status_code >= 500:
            failures.append((answer.status_code, body[:200], answer.text[:200]))
        assert answer.status_code < 500, (body[:200], answer.text[:300])
        assert answer.status_code in (200, 400, 413, 422), answer.text[:300]

    try:
        one()
    finally:
        count = sum(1 for code in ANSWERS if code >= 500)
        print(f"\nfuzz: {count} of {len(ANSWERS)} requests answered 5xx")
    lines = log.read_text(encoding="utf-8").splitlines()  # as core.monitor.logs reads it
    assert len(lines) == len(ANSWERS)  # every request logged, bad ones too
    assert {json.loads(line)["status"] for line in lines} == set(ANSWERS)
