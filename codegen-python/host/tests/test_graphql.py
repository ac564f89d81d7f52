"""The GraphQL example's component from Python (`examples/graphql`),
compared with graphql-core on the corpus: whether each query validates,
where the errors of invalid queries are, the normalised text of valid
queries, and what executing them gives.

The two are different implementations (apollo-compiler in the component),
so where they legitimately differ the case is listed below with its
reason; any other difference, or a listed one that goes away, fails.

`tests/run.sh` builds the component and installs its bindings
(`toolkit`) and graphql-core; `WEFT_PY_HOST_GRAPHQL=0` skips this file."""

from __future__ import annotations

import json
import os
import pathlib
from collections import Counter
from collections.abc import Iterator
from typing import Any, Literal, Optional, TypeGuard

import pytest

if os.environ.get("WEFT_PY_HOST_GRAPHQL", "1") == "0":
    pytest.skip("WEFT_PY_HOST_GRAPHQL=0", allow_module_level=True)
# run.sh installs both; a missing one is a failure, not a skip.
import toolkit  # noqa: E402
import graphql as graphql_core  # noqa: E402
from graphql.language import ast  # noqa: E402

CORPUS = pathlib.Path(__file__).resolve().parents[3] / "examples" / "graphql" / "corpus"


def cases() -> dict[str, Any]:
    return json.loads((CORPUS / "cases.json").read_text())  # type: ignore[no-any-return]


def query_cases(valid: bool) -> Iterator[tuple[dict[str, Any], dict[str, Any], str, str]]:
    """The query cases on the valid schemas that `validate` accepts
    (`valid`) or refuses, as (case, schema spec, SDL, query text)."""
    corpus = cases()
    schemas = {s["name"]: s for s in corpus["schemas"] if s["expect"].get("valid")}
    for case in corpus["queries"]:
        spec = schemas.get(case["schema"])
        if spec is not None and case["expect"]["valid"] == valid:
            yield case, spec, (CORPUS / spec["sdl"]).read_text(), (CORPUS / case["query"]).read_text()


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


# --- Error positions -------------------------------------------------------

Position = tuple[int, int]

# How the positions (line, column) of one invalid query's errors agree,
# strongest first: the same set; the same earliest position (weft reports
# its errors in position order, graphql-core in the order of its rules);
# at least one position in common; none.
Agreement = Literal["same set", "same first", "one in common", "none in common"]

# The invalid queries whose positions are not the same set, with how they
# still agree and why they differ (weft's message / graphql-core's).
POSITION_DIFFERENCES: dict[str, tuple[Agreement, str]] = {
    "starwars/list-for-scalar-argument": (
        "none in common",
        "weft points at the list (2:16); graphql-core's String scalar raises"
        " 'String cannot represent a non string value' with no AST node, so no location",
    ),
}


def agreement(ours: set[Position], theirs: set[Position]) -> Agreement:
    if ours == theirs:
        return "same set"
    if ours and theirs and min(ours) == min(theirs):
        return "same first"
    if ours & theirs:
        return "one in common"
    return "none in common"


def weft_positions(schema: toolkit.graphql.Schema, query: str) -> set[Position]:
    try:
        schema.validate(query)
    except toolkit.graphql.GqlErrorListException as refused:
        return {(at.line, at.column) for e in refused.value for at in e.locations}
    return set()


def graphql_core_positions(sdl: str, query: str) -> set[Position]:
    """graphql-core's syntax error, or its validation errors: every
    location of each (an error may point at several nodes)."""
    try:
        errors = graphql_core.validate(graphql_core.build_schema(sdl), graphql_core.parse(query))
    except graphql_core.GraphQLError as syntax:
        errors = [syntax]
    return {(at.line, at.column) for error in errors for at in error.locations or []}


def test_error_positions_as_graphql_core_says() -> None:
    counts: Counter[Agreement] = Counter()
    seen, wrong = set(), []
    for case, _, sdl, query in query_cases(valid=False):
        seen.add(case["id"])
        with toolkit.graphql.Schema.parse(sdl) as schema:
            ours = weft_positions(schema, query)
        theirs = graphql_core_positions(sdl, query)
        assert ours, f"{case['id']}: weft gave no position"
        found = agreement(ours, theirs)
        counts[found] += 1
        listed = POSITION_DIFFERENCES.get(case["id"], ("same set", ""))[0]
        if found != listed:
            wrong.append(
                f"{case['id']}: {found}, listed as {listed}: weft {sorted(ours)}, graphql-core {sorted(theirs)}"
            )
    assert not wrong, "\n".join(wrong)
    assert not set(POSITION_DIFFERENCES) - seen, "listed cases not in the corpus"
    # 45 invalid queries: 23 same set, 2 same first, 8 one in common, 12 none.
    assert counts["same set"] >= 44, counts


# --- Normalised text -------------------------------------------------------

# The valid queries whose normalised text, parsed and printed again by
# graphql-core, is not what graphql-core prints for the query; they must
# still parse to the same document once locations and the block-string
# flag (a lexical detail, like comments and commas) are set aside.
NORMALIZE_DIFFERENCES: dict[str, str] = {
    "starwars/lexical-details": 'weft prints the block string """2001""" as the string "2001", the same value',
    "starwars/unicode-and-block-strings": 'weft prints the block string """1000""" as the string "1000", the same value',
}


def spreads(selection_set: Optional[ast.SelectionSetNode]) -> Iterator[str]:
    """The fragments spread in a selection set, not looking into fragments."""
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, ast.FragmentSpreadNode):
            yield selection.name.value
        elif isinstance(selection, (ast.FieldNode, ast.InlineFragmentNode)):
            yield from spreads(selection.selection_set)


def canonical(document: ast.DocumentNode, operation_name: Optional[str]) -> Optional[ast.DocumentNode]:
    """`document` as weft's `normalize` keeps it: its operations then its
    fragments, each in document order; with `operation_name`, only that
    operation and the fragments it uses, directly or through other
    fragments (None when there is no such operation: weft refuses)."""
    operations = [d for d in document.definitions if isinstance(d, ast.OperationDefinitionNode)]
    fragments = [d for d in document.definitions if isinstance(d, ast.FragmentDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
        if not operations:
            return None
        by_name = {f.name.value: f for f in fragments}
        used: set[str] = set()
        pending = list(spreads(operations[0].selection_set))
        while pending:
            name = pending.pop()
            if name not in used and name in by_name:
                used.add(name)
                pending.extend(spreads(by_name[name].selection_set))
        fragments = [f for f in fragments if f.name.value in used]
    return ast.DocumentNode(definitions=(*operations, *fragments))


def shape(value: object) -> object:
    """An AST as plain tuples, without locations or the block-string flag."""
    if isinstance(value, ast.Node):
        keys = [k for k in value.keys if k not in ("loc", "block")]
        return (type(value).__name__, *((k, shape(getattr(value, k))) for k in keys))
    if isinstance(value, (list, tuple)):
        return tuple(shape(v) for v in value)
    return value


def test_normalized_text_as_graphql_core_prints_it() -> None:
    agree, seen, wrong = 0, set(), []
    for case, _, sdl, query in query_cases(valid=True):
        seen.add(case["id"])
        document = graphql_core.parse(query)
        same = True
        with toolkit.graphql.Schema.parse(sdl) as schema:
            for operation in dict.fromkeys([None, case.get("operation")]):
                expected = canonical(document, operation)
                for style in toolkit.graphql.PrintStyle:
                    what = f"{case['id']} ({style.name.lower()}, operation {operation})"
                    options = toolkit.graphql.NormalizeOptions(style, operation)
                    try:
                        text = schema.normalize(query, options)
                    except toolkit.graphql.GqlErrorListException as refused:
                        kinds = {e.kind for e in refused.value}
                        if expected is not None or kinds != {toolkit.graphql.ErrorKind.REQUEST}:
                            wrong.append(f"{what}: refused: {refused.value}")
                        continue
                    if expected is None:
                        wrong.append(f"{what}: printed, no operation {operation!r} to print")
                        continue
                    printed = graphql_core.parse(text)
                    if graphql_core.print_ast(printed) == graphql_core.print_ast(expected):
                        continue
                    same = False
                    if case["id"] not in NORMALIZE_DIFFERENCES:
                        wrong.append(f"{what}: {text!r}")
                    elif shape(printed) != shape(expected):
                        wrong.append(f"{what}: not even the same document: {text!r}")
        if same:
            agree += 1
            if case["id"] in NORMALIZE_DIFFERENCES:
                wrong.append(f"{case['id']}: listed as differing, but the same")
    assert not wrong, "\n".join(wrong)
    assert not set(NORMALIZE_DIFFERENCES) - seen, "listed cases not in the corpus"
    # 65 valid queries: 63 the same (one refused by both), 2 listed.
    assert agree >= 60, agree


# --- Execution -------------------------------------------------------------
#
# graphql-core runs each valid query on the same JSON data with its default
# field resolver (a dict's same-named key), wrapped in `resolve_like_weft`,
# which does what `examples/graphql/lib/src/execute.rs` does to that value
# with the field's arguments; the functions below mirror it.

PAGING = ("first", "offset")


def is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number_text(value: object) -> str:
    """A number as serde_json writes it (repr is the same for floats of
    ordinary size)."""
    return str(value) if isinstance(value, int) else repr(value)


def matches(value: object, wanted: object) -> bool:
    """Whether the data's `value` matches the argument `wanted` (`matches`
    in execute.rs): null matches anything; a list argument, any of its
    items; an array in the data, if any element does; objects key by key;
    numbers by value; an ID string the digits of a number; else equality
    of JSON values (so `true` is not `1`)."""
    if wanted is None:
        return True
    if isinstance(wanted, list):
        return any(matches(value, option) for option in wanted)
    if isinstance(value, list):
        return any(matches(item, wanted) for item in value)
    if isinstance(value, dict) and isinstance(wanted, dict):
        return all(matches(value.get(name), w) for name, w in wanted.items())
    if is_number(value) and is_number(wanted):
        return float(value) == float(wanted)
    if is_number(value) and isinstance(wanted, str):
        return number_text(value) == wanted
    if isinstance(value, str) and is_number(wanted):
        return number_text(wanted) == value
    return type(value) is type(wanted) and value == wanted


def matches_arguments(item: object, arguments: dict[str, Any]) -> bool:
    """Whether `item` passes every non-null argument other than `first`
    and `offset`: its same-named key matches it, or, for an input object
    the item has no key for, the item itself does (`matches_arguments`)."""
    filters = {k: v for k, v in arguments.items() if k not in PAGING and v is not None}
    if not filters:
        return True
    if not isinstance(item, dict):
        return False
    return all(
        matches(item[name], wanted) if name in item else isinstance(wanted, dict) and matches(item, wanted)
        for name, wanted in filters.items()
    )


def page(items: list[Any], arguments: dict[str, Any]) -> list[Any]:
    """`offset` then `first`, where they are integers (`page`)."""
    offset, first = arguments.get("offset"), arguments.get("first")
    if isinstance(offset, int) and not isinstance(offset, bool):
        items = items[max(offset, 0) :]
    if isinstance(first, int) and not isinstance(first, bool):
        items = items[: max(first, 0)]
    return items


def resolve_like_weft(source: Any, info: graphql_core.GraphQLResolveInfo[Any], **arguments: Any) -> Any:
    """The field's value (`resolve` in execute.rs): a list of objects keeps
    the items the arguments match, then pages; any list pages; a single
    object whose value is an array is the first item the arguments match
    (the first, when none filters; null when none matches)."""
    value = graphql_core.default_field_resolver(source, info, **arguments)
    if value is None:
        return None
    field_type = graphql_core.get_nullable_type(info.return_type)
    composite = graphql_core.is_composite_type(graphql_core.get_named_type(field_type))
    if graphql_core.is_list_type(field_type):
        if not isinstance(value, list):
            return value  # graphql-core refuses it, as weft does
        kept = [item for item in value if not composite or matches_arguments(item, arguments)]
        return page(kept, arguments)
    if composite and isinstance(value, list):
        return next((item for item in value if matches_arguments(item, arguments)), None)
    return value


def type_name(value: Any, info: graphql_core.GraphQLResolveInfo[Any], abstract_type: graphql_core.GraphQLAbstractType) -> Optional[str]:
    """An object of an interface or union type names its type in a string
    `__typename` key; anything else is a field error."""
    name = value.get("__typename") if isinstance(value, dict) else None
    return name if isinstance(name, str) else None


def is_json_object(value: Any, info: graphql_core.GraphQLResolveInfo[Any]) -> bool:
    """Only a JSON object is an object of an object type (weft gives
    apollo-compiler anything else as a leaf, which it refuses)."""
    return isinstance(value, dict)


def build_schema_like_weft(sdl: str) -> graphql_core.GraphQLSchema:
    schema = graphql_core.build_schema(sdl)
    for named in schema.type_map.values():
        if isinstance(named, graphql_core.GraphQLObjectType) and not named.name.startswith("__"):
            named.is_type_of = is_json_object
    return schema


# What a request gives: ("refused", "request" or "json"), or ("response",
# the data as JSON text, the field errors' paths).
Outcome = tuple[Any, ...]


def request_texts(case: dict[str, Any], spec: dict[str, Any]) -> tuple[Optional[str], str]:
    """The case's variables and data, as JSON texts."""
    variables = case.get("variables_text")
    if variables is None and "variables" in case:
        variables = json.dumps(case["variables"])
    data = case.get("data_text")
    if data is None:
        data = (CORPUS / spec["data"]).read_text()
    return variables, data


def weft_outcome(schema: toolkit.graphql.Schema, case: dict[str, Any], query: str, spec: dict[str, Any]) -> Outcome:
    variables, data = request_texts(case, spec)
    try:
        response = schema.execute(toolkit.graphql.Request(query, case.get("operation"), variables), data)
    except toolkit.graphql.GqlErrorListException as refused:
        return ("refused", *sorted({e.kind.name.lower() for e in refused.value}))
    text = json.dumps(json.loads(response.data)) if response.data is not None else "null"
    return ("response", text, [[step.value for step in e.path] for e in response.errors])


def graphql_core_outcome(sdl: str, case: dict[str, Any], query: str, spec: dict[str, Any]) -> Outcome:
    """graphql-core's result. It takes Python values, not JSON texts: they
    are parsed here, refused as weft refuses them (not JSON, or not a JSON
    object). Errors with no data and no path are request errors."""
    variables_text, data_text = request_texts(case, spec)
    try:
        data = json.loads(data_text)
        variables = json.loads(variables_text) if variables_text is not None else None
    except ValueError:
        return ("refused", "json")
    if not isinstance(data, dict) or not isinstance(variables, (dict, type(None))):
        return ("refused", "json")
    result = graphql_core.graphql_sync(
        build_schema_like_weft(sdl),
        query,
        root_value=data,
        variable_values=variables,
        operation_name=case.get("operation"),
        field_resolver=resolve_like_weft,
        type_resolver=type_name,
    )
    errors = result.errors or []
    if result.data is None and errors and all(e.path is None for e in errors):
        return ("refused", "request")
    return ("response", json.dumps(result.data), [list(e.path or []) for e in errors])


# The valid queries that execute differently; the outcome's kind and the
# errors' paths must still agree.
EXECUTION_DIFFERENCES: dict[str, str] = {
    "starwars/introspection-schema": "`__schema.types` and `directives` come in each one's own order, and"
    " graphql-core 3.3 also has `@oneOf` and `@deprecated` on DIRECTIVE_DEFINITION (newer spec draft)",
    "starwars/search-all-with-bad-item": "the item with no `__typename` (search.3): apollo-compiler 1.33 makes"
    " an error from a list's resolver null the whole nullable list, graphql-core only the nullable item",
}


def test_execution_as_graphql_core_gives() -> None:
    counts: Counter[str] = Counter()
    seen, wrong = set(), []
    for case, spec, sdl, query in query_cases(valid=True):
        seen.add(case["id"])
        with toolkit.graphql.Schema.parse(sdl) as schema:
            ours = weft_outcome(schema, case, query, spec)
        theirs = graphql_core_outcome(sdl, case, query, spec)
        counts[ours[0]] += 1
        if case["id"] not in EXECUTION_DIFFERENCES:
            if ours != theirs:
                wrong.append(f"{case['id']}:\n  weft         {ours}\n  graphql-core {theirs}")
        elif ours == theirs:
            wrong.append(f"{case['id']}: listed as differing, but the same")
        elif ours[0] != theirs[0] or ours[0] == "response" and ours[2] != theirs[2]:
            wrong.append(f"{case['id']}: not even the same errors:\n  weft {ours}\n  graphql-core {theirs}")
    assert not wrong, "\n".join(wrong)
    assert not set(EXECUTION_DIFFERENCES) - seen, "listed cases not in the corpus"
    # 65 valid queries: 56 responses (2 listed), 9 refused (5 request, 4 JSON).
    assert counts["response"] >= 50, counts


def test_parse_summary() -> None:
    summary = toolkit.graphql.parse("query Q($id: ID!) { book(id: $id) { title } } fragment F on Book { title }")
    assert [o.name for o in summary.operations] == ["Q"]
    assert [f.name for f in summary.fragments] == ["F"]
