"""The GraphQL example's component from Python (`examples/graphql`),
compared with graphql-core on the corpus: whether each query validates.
`tests/run.sh` builds the component and installs its bindings
(`toolkit`) and graphql-core; `WEFT_PY_HOST_GRAPHQL=0` skips this file."""

from __future__ import annotations

import json
import os
import pathlib
from typing import Any

import pytest

if os.environ.get("WEFT_PY_HOST_GRAPHQL", "1") == "0":
    pytest.skip("WEFT_PY_HOST_GRAPHQL=0", allow_module_level=True)
# run.sh installs both; a missing one is a failure, not a skip.
import toolkit  # noqa: E402
import graphql as graphql_core  # noqa: E402

CORPUS = pathlib.Path(__file__).resolve().parents[3] / "examples" / "graphql" / "corpus"


def cases() -> dict[str, Any]:
    return json.loads((CORPUS / "cases.json").read_text())  # type: ignore[no-any-return]


def test_queries_validate_as_graphql_core_says() -> None:
    corpus = cases()
    schemas = {s["name"]: s for s in corpus["schemas"] if s["expect"].get("valid")}
    agree, differ = 0, []
    for case in corpus["queries"]:
        spec = schemas.get(case["schema"])
        if spec is None:
            continue
        sdl = (CORPUS / spec["sdl"]).read_text()
        query = (CORPUS / case["query"]).read_text()
        with toolkit.graphql.Schema.parse(sdl) as schema:
            try:
                schema.validate(query)
                ours = True
            except toolkit.graphql.GqlErrorListException:
                ours = False
        try:
            document = graphql_core.parse(query)
            theirs = not graphql_core.validate(graphql_core.build_schema(sdl), document)
        except graphql_core.GraphQLError:
            theirs = False
        assert ours == case["expect"]["valid"], case["id"]
        if ours == theirs:
            agree += 1
        else:
            differ.append(case["id"])
    assert not differ, f"graphql-core differs on {differ}"
    assert agree >= 50, f"only {agree} queries compared"


def test_parse_summary() -> None:
    summary = toolkit.graphql.parse("query Q($id: ID!) { book(id: $id) { title } } fragment F on Book { title }")
    assert [o.name for o in summary.operations] == ["Q"]
    assert [f.name for f in summary.fragments] == ["F"]
