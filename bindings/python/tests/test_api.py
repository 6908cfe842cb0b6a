"""The Python API itself: argument types and errors, InputError, dict key order, the
compiled form and its typed results, check_many, threads and the GIL."""

from __future__ import annotations

import copy
import datetime
import json
import pickle
import threading
from collections import OrderedDict
from typing import Any, Dict, List

import pytest

import entra_csa
from support import EXAMPLES, GRAPH_EXAMPLES

CATALOG = (GRAPH_EXAMPLES / "sample-catalog.json").read_text(encoding="utf-8")
ASSIGN = (EXAMPLES / "assign.json").read_text(encoding="utf-8")
USER = (EXAMPLES / "user.json").read_text(encoding="utf-8")
ENG_ADMIN = (EXAMPLES / "eng-admin.json").read_text(encoding="utf-8")
MKT_READER = (EXAMPLES / "mkt-reader.json").read_text(encoding="utf-8")
TENANT = (EXAMPLES / "tenant.jsonl").read_text(encoding="utf-8")
SET_TYPE = "#Microsoft.DirectoryServices.CustomSecurityAttributeValue"


def body(**attributes: Any) -> Dict[str, Any]:
    return {"customSecurityAttributes": {"Engineering": {"@odata.type": SET_TYPE, **attributes}}}


# ------------------------------------------------------------------------------------------
# Documents


@pytest.mark.parametrize(
    "patch",
    [
        ASSIGN,
        ASSIGN.encode("utf-8"),
        bytearray(ASSIGN.encode("utf-8")),
        json.loads(ASSIGN),
        OrderedDict(json.loads(ASSIGN)),
    ],
    ids=["str", "bytes", "bytearray", "dict", "OrderedDict"],
)
def test_every_document_form_gives_the_same_result(patch: Any) -> None:
    assert entra_csa.check(CATALOG, patch) == entra_csa.check(CATALOG, ASSIGN)


def test_a_list_is_a_document_too() -> None:
    objects = [json.loads(line) for line in TENANT.splitlines() if line.strip()]
    q = "customSecurityAttributes/Marketing/AppCountry eq 'Canada'"
    kw: Dict[str, Any] = dict(filter=q, count=True, consistency_level="eventual")
    assert entra_csa.filter(CATALOG, objects, **kw) == entra_csa.filter(CATALOG, TENANT, **kw)


@pytest.mark.parametrize("wrong", [None, 42, 4.2, True, object(), {"a"}, ("a",)])
def test_a_document_of_another_type_is_a_type_error(wrong: Any) -> None:
    with pytest.raises(TypeError, match="patch must be a str, bytes, dict or list"):
        entra_csa.check(CATALOG, wrong)
    with pytest.raises(TypeError, match="catalog must be"):
        entra_csa.lint(wrong) if wrong is not None else entra_csa.lint(wrong)


def test_what_json_cannot_hold_is_a_type_or_value_error() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        entra_csa.check(CATALOG, body(ProjectDate=datetime.date(2022, 10, 1)))
    with pytest.raises(ValueError):
        entra_csa.check(CATALOG, body(NumVendors=float("nan")))
    circular: Dict[str, Any] = {}
    circular["customSecurityAttributes"] = circular
    with pytest.raises(ValueError):
        entra_csa.check(CATALOG, circular)
    with pytest.raises(ValueError):  # a lone surrogate is no UTF-8
        entra_csa.check(CATALOG, '{"customSecurityAttributes": "\ud800"}')


def test_text_that_is_not_json_is_refused_not_raised() -> None:
    result = entra_csa.check(CATALOG, b"\xff\xfe not json")
    assert result["allowed"] is False
    assert result["violations"][0]["code"] == "invalid_json"


def test_a_dict_keeps_its_key_order() -> None:
    """A plan copies the desired document's order into its request: a dict given in an order
    that is not sorted gives the same plan as the same document as text."""
    desired_text = (
        '{"customSecurityAttributes": {"Engineering": {"Project": ["Cascade", "Alpine"],'
        ' "NumVendors": 3, "Certification": true}}}'
    )
    desired = json.loads(desired_text)
    assert list(desired["customSecurityAttributes"]["Engineering"]) == [
        "Project",
        "NumVendors",
        "Certification",
    ]
    as_dict = entra_csa.plan(CATALOG, USER, desired)
    as_text = entra_csa.plan(CATALOG, USER, desired_text)
    assert json.dumps(as_dict) == json.dumps(as_text)
    # Had the keys been sorted (as a serde_json::Value sorts them), the request would differ.
    sorted_desired = json.loads(json.dumps(desired, sort_keys=True))
    as_sorted = entra_csa.plan(CATALOG, USER, sorted_desired)
    assert json.dumps(as_sorted) != json.dumps(as_dict)


# ------------------------------------------------------------------------------------------
# Options


def test_object_type_takes_the_cli_names() -> None:
    for kind in ("user", "servicePrincipal", "device", "managedIdentity"):
        entra_csa.check(CATALOG, ASSIGN, object_type=kind)
    with pytest.raises(ValueError, match="object_type must be"):
        entra_csa.check(CATALOG, ASSIGN, object_type="group")
    with pytest.raises(TypeError):
        entra_csa.check(CATALOG, ASSIGN, object_type=1)  # type: ignore[arg-type]


def test_flags_are_booleans() -> None:
    with pytest.raises(TypeError):
        entra_csa.check(CATALOG, ASSIGN, allow_synced="yes")  # type: ignore[arg-type]


def test_filter_needs_one_of_filter_and_query() -> None:
    with pytest.raises(TypeError, match="give the \\$filter text"):
        entra_csa.filter(CATALOG, TENANT)
    with pytest.raises(TypeError, match="not both"):
        entra_csa.filter(CATALOG, TENANT, filter="a", query="b")
    with pytest.raises(TypeError, match="whole query string"):
        entra_csa.filter(CATALOG, TENANT, query="$count=true", count=True)


@pytest.mark.parametrize("top,error", [(-1, ValueError), (2**70, ValueError), ("2", TypeError), (True, TypeError)])
def test_top_is_a_count(top: Any, error: type) -> None:
    with pytest.raises(error):
        entra_csa.filter(CATALOG, TENANT, filter="customSecurityAttributes/Marketing/AppCountry eq 'Canada'", top=top)


def test_select_is_a_comma_separated_str_or_a_list() -> None:
    q = "customSecurityAttributes/Marketing/AppCountry eq 'Canada'"
    a = entra_csa.filter(CATALOG, TENANT, filter=q, select="id, displayName", count=True, consistency_level="eventual")
    b = entra_csa.filter(CATALOG, TENANT, filter=q, select=["id", "displayName"], count=True, consistency_level="eventual")
    assert a == b
    assert set(a["value"][0]) == {"id", "displayName"}
    with pytest.raises(TypeError):
        entra_csa.filter(CATALOG, TENANT, filter=q, select=[1])  # type: ignore[list-item]


def test_define_takes_a_method_name_in_any_case() -> None:
    path = "/directory/customSecurityAttributeDefinitions/Engineering_Project"
    assert entra_csa.define(CATALOG, "get", path) == entra_csa.define(CATALOG, "GET", path)
    with pytest.raises(ValueError):
        entra_csa.define(CATALOG, "FETCH", path)


# ------------------------------------------------------------------------------------------
# InputError


def test_input_error_is_a_value_error_with_the_violations() -> None:
    bad_actor = (EXAMPLES / "bad-actor.json").read_text(encoding="utf-8")
    with pytest.raises(entra_csa.InputError) as caught:
        entra_csa.check(CATALOG, ASSIGN, actor=bad_actor)
    e = caught.value
    assert isinstance(e, ValueError)
    assert e.document == "actor"
    assert e.error == "invalid_actor"
    assert e.item is None
    assert str(e).startswith("invalid actor: missing_property at /roleAssignments/0: ")
    assert e.violations[0]["code"] == "missing_property"
    assert e.to_dict() == {"error": "invalid_actor", "violations": e.violations}
    copied = pickle.loads(pickle.dumps(e))
    assert (str(copied), copied.to_dict(), copied.document) == (str(e), e.to_dict(), e.document)


def test_an_invalid_catalog_is_an_input_error_for_check_but_a_report_for_lint() -> None:
    bad = (EXAMPLES / "bad-catalog.json").read_text(encoding="utf-8")
    with pytest.raises(entra_csa.InputError) as caught:
        entra_csa.check(bad, ASSIGN)
    assert caught.value.error == "invalid_catalog"
    report = entra_csa.lint(bad)
    assert report["valid"] is False
    assert report["violations"] == caught.value.violations
    with pytest.raises(entra_csa.InputError):
        entra_csa.Engine(bad)


def test_an_item_of_a_list_is_named() -> None:
    with pytest.raises(entra_csa.InputError) as caught:
        entra_csa.filter(CATALOG, [{"id": "ok"}, {"customSecurityAttributes": 3}], filter="x")
    assert caught.value.item == "item 2"
    assert caught.value.to_dict()["item"] == "item 2"
    assert "(item 2)" in str(caught.value)


# ------------------------------------------------------------------------------------------
# The compiled form


@pytest.fixture(scope="module")
def engine() -> entra_csa.Engine:
    return entra_csa.Engine(CATALOG)


def test_engine_check_is_the_one_shot_check(engine: entra_csa.Engine) -> None:
    user, actor = entra_csa.Object(USER), entra_csa.Actor(ENG_ADMIN)
    evaluation = engine.check(ASSIGN, object=user, actor=actor)
    expected = entra_csa.check(CATALOG, ASSIGN, object=USER, actor=ENG_ADMIN)
    assert json.dumps(evaluation.to_dict()) == json.dumps(expected)
    assert evaluation.allowed is True
    assert evaluation.authorization == "checked"
    assert evaluation.changes == expected["changes"]
    assert evaluation.warnings == expected["warnings"]
    assert evaluation.violations == []
    assert evaluation.request == expected["request"]
    assert evaluation.state == expected["customSecurityAttributes"]
    assert evaluation.audit is None
    assert evaluation.graph_response() == (204, None)
    assert repr(evaluation) == "<entra_csa.Evaluation allowed, 2 changes>"
    # Documents work as well as parsed objects.
    again = engine.check(ASSIGN, object=USER, actor=json.loads(ENG_ADMIN))
    assert again.to_dict() == evaluation.to_dict()


def test_a_refused_evaluation(engine: entra_csa.Engine) -> None:
    mistakes = (EXAMPLES / "mistakes.json").read_text(encoding="utf-8")
    evaluation = engine.check(mistakes)
    assert evaluation.allowed is False
    assert evaluation.changes == [] and evaluation.request is None and evaluation.state is None
    assert [v["code"] for v in evaluation.violations] == [
        v["code"] for v in entra_csa.check(CATALOG, mistakes)["violations"]
    ]
    status, graph_body = evaluation.graph_response()
    assert status == 400
    assert graph_body is not None and graph_body["error"]["code"] == "Request_BadRequest"


def test_audit_and_object_type(engine: entra_csa.Engine) -> None:
    evaluation = engine.check(ASSIGN, object=USER, actor=ENG_ADMIN, audit=True)
    assert evaluation.audit == entra_csa.check(CATALOG, ASSIGN, object=USER, actor=ENG_ADMIN, audit=True)["audit"]
    device = engine.check(ASSIGN, object=entra_csa.Object(USER), object_type="device")
    assert device.to_dict() == entra_csa.check(CATALOG, ASSIGN, object=USER, object_type="device")


def test_view_plan_filter_search(engine: entra_csa.Engine) -> None:
    v = engine.view(USER, actor=MKT_READER)
    assert v.to_dict() == entra_csa.view(CATALOG, USER, actor=MKT_READER)
    assert v.authorization == "checked"
    assert v.custom_security_attributes == v.to_dict()["customSecurityAttributes"]
    status, graph_body = v.graph_response()
    assert status == 200 and graph_body is not None and "@odata.context" in graph_body

    desired = (EXAMPLES / "desired.json").read_text(encoding="utf-8")
    p = engine.plan(USER, desired, actor=ENG_ADMIN)
    assert p.to_dict() == entra_csa.plan(CATALOG, USER, desired, actor=ENG_ADMIN)

    q = "customSecurityAttributes/Marketing/AppCountry eq 'Canada'"
    objects = [entra_csa.Object(line) for line in TENANT.splitlines() if line.strip()]
    r = engine.filter(objects, filter=q, count=True, consistency_level="eventual", top=1)
    assert r.to_dict() == entra_csa.filter(CATALOG, TENANT, filter=q, count=True, consistency_level="eventual", top=1)
    assert r.allowed and r.count == 2 and len(r.value) == 1 and r.violations == []
    assert r.graph_response() == (200, r.to_dict())
    refused = engine.filter(TENANT, filter=q)
    assert refused.allowed is False and refused.value == [] and refused.count is None
    assert refused.graph_response()[0] == 400
    with pytest.raises(TypeError, match="not a mix"):
        engine.filter([objects[0], json.loads(TENANT.splitlines()[0])], filter=q)

    assert engine.search(USER, "c") == entra_csa.search(CATALOG, USER, "c")


def test_object_and_actor_parse_once() -> None:
    user = entra_csa.Object(USER)
    assert user.id is not None and user.object_type == "user"
    assert user.custom_security_attributes is not None
    assert entra_csa.Object(USER, object_type="servicePrincipal").object_type == "servicePrincipal"
    with pytest.raises(entra_csa.InputError):
        entra_csa.Object("[]")
    actor = entra_csa.Actor(ENG_ADMIN)
    assert actor.warnings == []
    with pytest.raises(entra_csa.InputError):
        entra_csa.Actor((EXAMPLES / "bad-actor.json").read_text(encoding="utf-8"))


def test_the_compiled_form_is_immutable(engine: entra_csa.Engine) -> None:
    evaluation = engine.check(ASSIGN)
    for thing, name in ((engine, "catalog"), (evaluation, "allowed"), (entra_csa.Object(USER), "id")):
        with pytest.raises(AttributeError):
            setattr(thing, name, None)


# ------------------------------------------------------------------------------------------
# check_many, threads and the GIL


def many_items() -> List[Any]:
    user, admin = entra_csa.Object(USER), entra_csa.Actor(ENG_ADMIN)
    mistakes = (EXAMPLES / "mistakes.json").read_text(encoding="utf-8")
    items: List[Any] = []
    for i in range(300):
        patch = body(NumVendors=i) if i % 3 else mistakes
        items.append((user, patch) if i % 2 else (USER, patch, admin))
    return items


def test_check_many_is_check_in_input_order(engine: entra_csa.Engine) -> None:
    items = many_items()
    one_by_one = [engine.check(item[1], object=item[0], actor=item[2] if len(item) > 2 else None).to_dict() for item in items]
    for threads in (1, 2, 7):
        results = engine.check_many(items, threads=threads)
        assert [r.to_dict() for r in results] == one_by_one
    assert [r.to_dict() for r in engine.check_many(iter(items))] == one_by_one
    assert engine.check_many([]) == []


def test_check_many_takes_a_default_actor(engine: entra_csa.Engine) -> None:
    results = engine.check_many([(USER, ASSIGN)], actor=MKT_READER)
    assert results[0].to_dict() == entra_csa.check(CATALOG, ASSIGN, object=USER, actor=MKT_READER)


def test_check_many_names_the_item_it_cannot_read(engine: entra_csa.Engine) -> None:
    items: List[Any] = [(USER, ASSIGN), (None, ASSIGN), ("{not json", ASSIGN)]
    with pytest.raises(entra_csa.InputError) as caught:
        engine.check_many(items)
    assert caught.value.item == "item 3" and caught.value.document == "object"
    with pytest.raises(TypeError, match="item 2 must be a tuple"):
        engine.check_many([(USER, ASSIGN), USER])
    with pytest.raises(ValueError, match="threads must be at least 1"):
        engine.check_many([], threads=0)


def test_one_engine_serves_many_python_threads(engine: entra_csa.Engine) -> None:
    items = many_items()
    expected = [r.to_dict() for r in engine.check_many(items, threads=1)]
    results: Dict[int, List[Any]] = {}

    def work(n: int) -> None:
        results[n] = [
            engine.check(i[1], object=i[0], actor=i[2] if len(i) > 2 else None).to_dict() for i in items
        ]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[n] == expected for n in range(4))


def test_check_many_releases_the_gil(engine: entra_csa.Engine) -> None:
    """While check_many works, other Python threads run: this thread counts while another
    one is inside check_many (with the GIL held, it could not count at all)."""
    items = many_items() * 20
    started, done = threading.Event(), threading.Event()

    def work() -> None:
        started.set()
        engine.check_many(items, threads=1)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    started.wait()
    counted = 0
    while not done.is_set():
        counted += 1
    t.join()
    assert counted > 100, counted


def test_documents_are_not_changed() -> None:
    desired = json.loads((EXAMPLES / "desired.json").read_text(encoding="utf-8"))
    kept = copy.deepcopy(desired)
    entra_csa.plan(CATALOG, USER, desired)
    assert desired == kept


def test_the_package_is_typed_and_versioned() -> None:
    import importlib.resources
    import os

    if os.environ.get("CSA_EXPECT_INSTALLED"):
        # `cargo xtask test` tests the wheel as installed, not the source tree.
        assert "site-packages" in entra_csa.__file__, entra_csa.__file__

    assert entra_csa.__version__
    assert (importlib.resources.files("entra_csa") / "py.typed").is_file()
    assert (importlib.resources.files("entra_csa") / "_native.pyi").is_file()
    for name in entra_csa.__all__:
        assert getattr(entra_csa, name) is not None
    for function in (entra_csa.check, entra_csa.view, entra_csa.lint, entra_csa.plan, entra_csa.apply,
                     entra_csa.define, entra_csa.evolve, entra_csa.search, entra_csa.filter):
        assert function.__doc__ and len(function.__doc__) > 80, function
