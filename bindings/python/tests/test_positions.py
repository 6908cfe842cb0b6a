"""`offset`, `line` and `column` of violations and warnings: a body given as `str` (or
`bytes`) carries the same places as `csa check --format json` of the same file, through the
one-shot functions and a compiled `Engine` alike; the same body as a `dict` carries none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import entra_csa
from support import GRAPH_EXAMPLES, ordered, run_cli

CATALOG = (GRAPH_EXAMPLES / "sample-catalog.json").read_text(encoding="utf-8")

#: A refused body over several lines, with non-ASCII text before what is at fault.
BODY = (
    '{"customSecurityAttributes": {"Engineering": {\n'
    '  "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",\n'
    '  "ProjectDate": "Zürich", "Projet": "é",\n'
    '  "NumVendors": []}}}\n'
)

#: A desired state refused on its third line.
DESIRED = '{"Engineering": {\n  "Project": ["Alpine"],\n  "NumVendors": "eight"}}\n'

PLACES = ("offset", "line", "column")


def findings(report: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [*report.get("violations", []), *report.get("warnings", [])]


def cli(tmp_path: Path, *args: str) -> Dict[str, Any]:
    run = run_cli([*args, "--format", "json"], tmp_path)
    assert run.code == 1, run.stderr
    printed: Dict[str, Any] = run.json()
    return printed


def test_a_body_as_text_has_the_places_the_cli_prints_and_as_a_dict_none(tmp_path: Path) -> None:
    (tmp_path / "catalog.json").write_text(CATALOG, encoding="utf-8")
    (tmp_path / "body.json").write_text(BODY, encoding="utf-8")
    printed = cli(tmp_path, "check", "--catalog", "catalog.json", "--patch", "body.json")
    assert len(findings(printed)) >= 2
    assert all("line" in f and "column" in f for f in findings(printed)), printed
    projet = next(v for v in printed["violations"] if v["code"] == "unknown_attribute")
    assert (projet["line"], projet["column"]) == (3, 28)

    engine = entra_csa.Engine(CATALOG)
    for given in (BODY, BODY.encode("utf-8")):
        assert ordered(entra_csa.check(CATALOG, given)) == ordered(printed)
        assert ordered(engine.check(given).to_dict()) == ordered(printed)
        (many,) = engine.check_many([(None, given)])
        assert ordered(many.to_dict()) == ordered(printed)

    as_dict = json.loads(BODY)
    for report in (entra_csa.check(CATALOG, as_dict), engine.check(as_dict).to_dict()):
        assert len(findings(report)) == len(findings(printed))
        for f in findings(report):
            assert not any(k in f for k in PLACES), f


def test_a_plan_and_its_engine_form_place_the_desired_state_as_the_cli_does(
    tmp_path: Path,
) -> None:
    (tmp_path / "catalog.json").write_text(CATALOG, encoding="utf-8")
    (tmp_path / "object.json").write_text('{"id": "u1"}', encoding="utf-8")
    (tmp_path / "desired.json").write_text(DESIRED, encoding="utf-8")
    printed = cli(
        tmp_path,
        "plan",
        "--catalog",
        "catalog.json",
        "--object",
        "object.json",
        "--desired",
        "desired.json",
    )
    assert (printed["violations"][0]["line"], printed["violations"][0]["column"]) == (3, 17)
    engine = entra_csa.Engine(CATALOG)
    assert ordered(engine.plan('{"id": "u1"}', DESIRED).to_dict()) == ordered(printed)
    assert ordered(entra_csa.plan(CATALOG, '{"id": "u1"}', DESIRED)) == ordered(printed)
    for f in findings(engine.plan({"id": "u1"}, json.loads(DESIRED)).to_dict()):
        assert not any(k in f for k in PLACES), f


def test_an_engine_places_input_errors_in_the_text_given() -> None:
    bad = '{"id": "u1",\n "onPremisesSyncEnabled": 3}'
    engine = entra_csa.Engine(CATALOG)
    for call in (
        lambda doc: engine.check("{}", object=doc),
        lambda doc: entra_csa.Object(doc),
        lambda doc: engine.view(doc),
    ):
        try:
            call(bad)
        except entra_csa.InputError as e:
            v = e.to_dict()["violations"][0]
            assert (v["line"], v["column"]) == (2, 27), v
        else:
            raise AssertionError("accepted")
        try:
            call(json.loads(bad))
        except entra_csa.InputError as e:
            v = e.to_dict()["violations"][0]
            assert not any(k in v for k in PLACES), v
        else:
            raise AssertionError("accepted")
