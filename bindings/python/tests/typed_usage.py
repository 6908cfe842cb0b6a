"""A typed program using the whole API: `mypy --strict` checks it against the package's stubs
(`cargo xtask test --only python` runs mypy on it), and test_typed_usage.py runs it.

The `# type: ignore[...]` lines are calls the stubs must refuse: under `--strict` (which warns
about unused ignores) each one fails the check if the stubs accept the call.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import entra_csa
from entra_csa import (
    Actor,
    ChangeDict,
    Document,
    Engine,
    Evaluation,
    InputError,
    JSONObject,
    Object,
    QueryResult,
    View,
    ViolationDict,
    WarningDict,
)

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "docs" / "examples"


def read(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


def one_shot(catalog: Document) -> List[str]:
    """Every one-shot function, each result a JSON object."""
    patch: Dict[str, Any] = json.loads(read("assign.json"))
    checked: JSONObject = entra_csa.check(
        catalog, patch, object=read("user.json"), actor=read("eng-admin.json"), object_type="user", audit=True
    )
    seen: JSONObject = entra_csa.view(catalog, read("user.json"), actor=None, policy=None)
    linted: JSONObject = entra_csa.lint(catalog)
    planned: JSONObject = entra_csa.plan(catalog, read("user.json"), read("desired.json"), exclusive=False)
    applied: JSONObject = entra_csa.apply(catalog, read("user.json"), read("changes.json"))
    decided: Any = entra_csa.define(
        catalog, "PATCH", "/directory/customSecurityAttributeDefinitions/Engineering_Project", body=read("delta.json")
    )
    evolved: JSONObject = entra_csa.evolve(read("catalog-v1.json"), read("catalog-v2.json"), objects=read("users.jsonl"))
    found: JSONObject = entra_csa.search(catalog, read("user.json"), "c", set="mark")
    listed: JSONObject = entra_csa.filter(
        catalog,
        read("tenant.jsonl"),
        filter="customSecurityAttributes/Marketing/AppCountry eq 'Canada'",
        count=True,
        consistency_level="eventual",
        select=["id", "displayName"],
        top=2,
    )
    return [str(d.get("allowed", d.get("valid", d.get("legal")))) for d in (checked, seen, linted, planned, applied, evolved, found, listed)] + [
        str(type(decided))
    ]


def compiled(catalog: Document) -> Tuple[bool, int, Optional[JSONObject]]:
    engine = Engine(catalog, policy=None)
    user = Object(read("user.json"), object_type="user")
    admin = Actor(read("eng-admin.json"))
    uid: Optional[str] = user.id
    name: Optional[str] = user.display_name
    kind: str = user.object_type
    held: Optional[JSONObject] = user.custom_security_attributes
    notes: List[WarningDict] = admin.warnings
    del uid, name, kind, held, notes

    evaluation: Evaluation = engine.check(read("assign.json"), object=user, actor=admin)
    allowed: bool = evaluation.allowed
    changes: List[ChangeDict] = evaluation.changes
    for change in changes:
        op: str = change["op"]
        attribute: str = change["attribute"]
        del op, attribute
    violations: List[ViolationDict] = evaluation.violations
    for v in violations:
        hint: Optional[str] = v["hint"]
        status_code: int = v["status"]
        del hint, status_code
    request: Optional[JSONObject] = evaluation.request
    state: Optional[JSONObject] = evaluation.state
    audit: Optional[JSONObject] = evaluation.audit
    authorization: str = evaluation.authorization
    status, body = evaluation.graph_response()
    as_dict: JSONObject = evaluation.to_dict()
    del request, state, audit, authorization, body, as_dict

    many: List[Evaluation] = engine.check_many(
        [(user, read("assign.json")), (read("user.json"), json.loads(read("assign.json")), admin), (None, "{}")],
        actor=admin,
        threads=2,
    )
    view: View = engine.view(user, actor=read("mkt-reader.json"))
    visible: Optional[JSONObject] = view.custom_security_attributes
    planned: Evaluation = engine.plan(user, read("desired.json"), actor=admin, exclusive=True)
    result: QueryResult = engine.filter(
        [user], filter="customSecurityAttributes/Marketing/AppCountry eq 'Canada'", count=True
    )
    count: Optional[int] = result.count
    rows: List[JSONObject] = result.value
    matches: JSONObject = engine.search(user, "b")
    del many, visible, planned, count, rows, matches
    return allowed, status, view.to_dict()


def errors(catalog: Document) -> str:
    try:
        entra_csa.check(catalog, "{}", actor=read("bad-actor.json"))
    except InputError as e:
        document: str = e.document
        code: str = e.error
        item: Optional[str] = e.item
        problems: List[Dict[str, Any]] = e.violations
        whole: Dict[str, Any] = e.to_dict()
        del item, problems, whole
        return f"{document}: {code}: {e}"
    return "no error"


def refused_by_the_stubs(catalog: Document) -> None:
    """Calls the stubs refuse (never run)."""
    entra_csa.check(catalog, 42)  # type: ignore[arg-type]
    entra_csa.check(catalog, "{}", object_type="group")  # type: ignore[arg-type]
    entra_csa.filter(catalog, "[]", top="2")  # type: ignore[arg-type]
    entra_csa.view(catalog)  # type: ignore[call-arg]
    Engine(catalog).check("{}", actor=3)  # type: ignore[arg-type]
    flag: str = Engine(catalog).check("{}").allowed  # type: ignore[assignment]
    del flag


def main() -> List[str]:
    catalog = read("sample-catalog.json")
    allowed, status, shown = compiled(catalog)
    return one_shot(catalog) + [str(allowed), str(status), str(bool(shown)), errors(catalog)]


if __name__ == "__main__":
    print("\n".join(main()))
