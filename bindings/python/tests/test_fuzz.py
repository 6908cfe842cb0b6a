"""No input from Python crashes: every function, fed random bytes, random text, random JSON,
mutated real documents and wrong types, returns or raises an ordinary exception
(`InputError`, `TypeError`, `ValueError`, `RecursionError`). A Rust panic would surface as
`pyo3_runtime.PanicException`, a `BaseException` the tests below do not accept, and a crash
would end the test run."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import entra_csa
from support import EXAMPLES, GRAPH_EXAMPLES

CATALOG_TEXT = (GRAPH_EXAMPLES / "sample-catalog.json").read_text(encoding="utf-8")
CATALOG = json.loads(CATALOG_TEXT)
USER = json.loads((EXAMPLES / "user.json").read_text(encoding="utf-8"))
ASSIGN = json.loads((EXAMPLES / "assign.json").read_text(encoding="utf-8"))
ACTOR = json.loads((EXAMPLES / "eng-admin.json").read_text(encoding="utf-8"))
CHANGES = json.loads((EXAMPLES / "changes.json").read_text(encoding="utf-8"))
ENGINE = entra_csa.Engine(CATALOG_TEXT)

#: What a function may raise for bad input.
ORDINARY = (entra_csa.InputError, TypeError, ValueError, RecursionError)

settings.register_profile(
    "csa",
    max_examples=150,
    deadline=None,
    database=None,  # nothing written into the source tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("csa")

# ------------------------------------------------------------------------------------------
# Strategies

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=70),
    st.sampled_from(["Engineering", "Project", "@odata.type", "#Collection(String)",
                     "#Microsoft.DirectoryServices.CustomSecurityAttributeValue", "Baker", ""]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.dictionaries(
            st.one_of(st.text(max_size=20), st.sampled_from(
                ["customSecurityAttributes", "Engineering", "Marketing", "Project", "NumVendors",
                 "@odata.type", "Project@odata.type", "roleAssignments", "value", "id",
                 "attributeSets", "customSecurityAttributeDefinitions", "changes"])),
            children,
            max_size=6,
        ),
    ),
    max_leaves=40,
)


def mutate(doc: Any, data: st.DataObject) -> Any:
    """`doc` with one value somewhere replaced by a random JSON value."""
    if isinstance(doc, dict) and doc and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(doc)))
        return {**doc, key: mutate(doc[key], data)}
    if isinstance(doc, list) and doc and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(doc) - 1))
        return doc[:i] + [mutate(doc[i], data)] + doc[i + 1 :]
    return data.draw(json_values)


class Strange:
    def __str__(self) -> str:
        raise RuntimeError("no")


wrong_types = st.sampled_from([42, 1.5, True, object(), Strange(), {1, 2}, (1,), b"x".decode, frozenset()])

documents = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300),
    json_values,
    json_values.map(lambda v: json.dumps(v)),
    wrong_types,
)


def call(f: Callable[[], Any]) -> None:
    try:
        result = f()
    except ORDINARY:
        return
    kinds = (dict, list, entra_csa.Engine, entra_csa.Object, entra_csa.Actor)
    assert isinstance(result, kinds) or all(hasattr(r, "to_dict") for r in [result])


# ------------------------------------------------------------------------------------------
# Every function, every document argument


FUNCTIONS: Dict[str, Callable[[Any], Any]] = {
    "check.catalog": lambda d: entra_csa.check(d, ASSIGN),
    "check.patch": lambda d: entra_csa.check(CATALOG, d, object=USER, actor=ACTOR),
    "check.object": lambda d: entra_csa.check(CATALOG, ASSIGN, object=d),
    "check.actor": lambda d: entra_csa.check(CATALOG, ASSIGN, actor=d),
    "check.policy": lambda d: entra_csa.check(CATALOG, ASSIGN, policy=d),
    "view.object": lambda d: entra_csa.view(CATALOG, d, actor=ACTOR),
    "lint.catalog": lambda d: entra_csa.lint(d),
    "plan.desired": lambda d: entra_csa.plan(CATALOG, USER, d, actor=ACTOR),
    "plan.object": lambda d: entra_csa.plan(CATALOG, d, ASSIGN),
    "apply.changes": lambda d: entra_csa.apply(CATALOG, USER, d),
    "define.body": lambda d: entra_csa.define(CATALOG, "PATCH", "/directory/customSecurityAttributeDefinitions/Engineering_Project", body=d),
    "define.post": lambda d: entra_csa.define(CATALOG, "POST", "/directory/attributeSets", body=d, actor=ACTOR),
    "evolve.new": lambda d: entra_csa.evolve(CATALOG, d, objects=[USER]),
    "evolve.objects": lambda d: entra_csa.evolve(CATALOG, CATALOG, objects=d),
    "search.object": lambda d: entra_csa.search(CATALOG, d, "b"),
    "filter.objects": lambda d: entra_csa.filter(CATALOG, d, filter="customSecurityAttributes/Engineering/Project eq 'Baker'", count=True, consistency_level="eventual"),
    "Engine": lambda d: entra_csa.Engine(d),
    "Engine.check": lambda d: ENGINE.check(d, object=USER),
    "Engine.view": lambda d: ENGINE.view(d),
    "Engine.plan": lambda d: ENGINE.plan(USER, d),
    "Engine.filter": lambda d: ENGINE.filter(d, filter="customSecurityAttributes/Engineering/Project eq 'Baker'"),
    "Engine.check_many": lambda d: ENGINE.check_many([(USER, d), (d, ASSIGN)], threads=2),
    "Object": lambda d: entra_csa.Object(d),
    "Actor": lambda d: entra_csa.Actor(d),
}

#: A real document to mutate, for each function.
REAL: Dict[str, Any] = {
    "check.catalog": CATALOG, "check.patch": ASSIGN, "check.object": USER, "check.actor": ACTOR,
    "check.policy": {"allowSyncedObjects": True, "maxBodyBytes": 100}, "view.object": USER,
    "lint.catalog": CATALOG, "plan.desired": USER, "plan.object": USER, "apply.changes": CHANGES,
    "define.body": {"allowedValues@delta": [{"id": "Skagit", "isActive": True}]},
    "define.post": {"id": "New", "maxAttributesPerSet": 10}, "evolve.new": CATALOG,
    "evolve.objects": [USER], "search.object": USER, "filter.objects": [USER], "Engine": CATALOG,
    "Engine.check": ASSIGN, "Engine.view": USER, "Engine.plan": USER, "Engine.filter": [USER],
    "Engine.check_many": ASSIGN, "Object": USER, "Actor": ACTOR,
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@given(document=documents)
def test_any_document(name: str, document: Any) -> None:
    call(lambda: FUNCTIONS[name](document))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@given(data=st.data())
def test_a_real_document_mutated(name: str, data: st.DataObject) -> None:
    document = mutate(REAL[name], data)
    as_text = data.draw(st.booleans())
    call(lambda: FUNCTIONS[name](json.dumps(document) if as_text else document))


@given(
    text=st.text(max_size=200),
    query=st.text(max_size=200),
    select=st.one_of(st.none(), st.text(max_size=30), st.lists(st.text(max_size=10), max_size=4)),
    top=st.one_of(st.none(), st.integers(min_value=-5, max_value=2**66), wrong_types),
    level=st.one_of(st.none(), st.text(max_size=10)),
)
def test_filter_options(text: str, query: str, select: Any, top: Any, level: Any) -> None:
    call(lambda: entra_csa.filter(CATALOG, [USER], filter=text, select=select, top=top, consistency_level=level))
    call(lambda: entra_csa.filter(CATALOG, [USER], query=query, consistency_level=level))
    call(lambda: ENGINE.filter([entra_csa.Object(USER)], filter=text, select=select, top=top))


@given(method=st.text(max_size=10), path=st.text(max_size=120), text=st.text(max_size=20),
       prefix=st.one_of(st.none(), st.text(max_size=10)), kind=st.one_of(st.none(), st.text(max_size=20)))
def test_string_options(method: str, path: str, text: str, prefix: Any, kind: Any) -> None:
    call(lambda: entra_csa.define(CATALOG, method, path))
    call(lambda: entra_csa.define(CATALOG, "GET", "/directory/" + path))
    call(lambda: entra_csa.search(CATALOG, USER, text, set=prefix))
    call(lambda: ENGINE.search(USER, text, set=prefix))
    call(lambda: entra_csa.check(CATALOG, ASSIGN, object_type=kind))
    call(lambda: ENGINE.check(ASSIGN, object_type=kind))


@given(items=st.lists(st.one_of(st.tuples(documents, documents), st.tuples(documents, documents, documents), documents), max_size=8),
       threads=st.one_of(st.none(), st.integers(-3, 5), wrong_types))
def test_check_many_items(items: List[Any], threads: Any) -> None:
    call(lambda: ENGINE.check_many(items, threads=threads))


@pytest.mark.parametrize("depth", [127, 128, 129, 5_000, 200_000])
def test_deep_nesting(depth: int) -> None:
    text = "[" * depth + "]" * depth
    for name, f in FUNCTIONS.items():
        call(lambda: f(text))
        call(lambda: f('{"customSecurityAttributes": ' + text + "}"))
    nested: Any = []
    for _ in range(min(depth, 5_000)):
        nested = [nested]
    for name, f in FUNCTIONS.items():
        call(lambda: f({"customSecurityAttributes": nested}))
