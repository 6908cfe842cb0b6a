"""One output contract across the command line and Python.

Every `$ csa ...` session of docs/CLI.md, and the documented Graph examples of
tests/data/graph-examples (through check, view, lint, plan, apply, define, evolve, search and
filter), run twice: `csa ... --format json` (the live command line, built from this
repository), and the Python call with the same inputs. Both must give the same document, key
for key, value for value and in the same key order; where the command line exits 2, Python
raises `InputError` with the same violations and message (without the file's name).

Each case is also run with its documents as parsed `dict`s and `list`s (which must give the
same document but for the `line` and `column` only text has) and, for check, plan, view,
filter and search, through a compiled `Engine` (whose `to_dict()` must be the same document,
and whose `graph_response()` must be what `--format graph` prints).

A session that cannot have a Python equivalent (a usage error of the command line itself, a
file that does not exist, `csa demo`) is skipped, and named with its reason in pytest's
summary (`-rs`).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

import entra_csa
from support import (
    EXAMPLES,
    GRAPH_EXAMPLES,
    ROOT,
    Run,
    as_data,
    cli_message,
    ordered,
    run_cli,
    without_positions,
)

# ------------------------------------------------------------------------------------------
# From command-line arguments to a Python call

DOC, TEXT, FLAG, INT = "doc", "text", "flag", "int"

#: For each command: the Python function's positional parameters, and what each flag becomes.
COMMANDS: Dict[str, Tuple[List[str], Dict[str, Tuple[str, str]]]] = {
    "check": (
        ["catalog", "patch"],
        {
            "--catalog": ("catalog", DOC),
            "--patch": ("patch", DOC),
            "--object": ("object", DOC),
            "--actor": ("actor", DOC),
            "--policy": ("policy", DOC),
            "--object-type": ("object_type", TEXT),
            "--allow-synced": ("allow_synced", FLAG),
            "--audit": ("audit", FLAG),
        },
    ),
    "view": (
        ["catalog", "object"],
        {
            "--catalog": ("catalog", DOC),
            "--object": ("object", DOC),
            "--actor": ("actor", DOC),
            "--policy": ("policy", DOC),
        },
    ),
    "lint": (["catalog"], {"--catalog": ("catalog", DOC), "--policy": ("policy", DOC)}),
    "define": (
        ["catalog", "method", "path"],
        {
            "--catalog": ("catalog", DOC),
            "--method": ("method", TEXT),
            "--path": ("path", TEXT),
            "--body": ("body", DOC),
            "--actor": ("actor", DOC),
            "--policy": ("policy", DOC),
        },
    ),
    "evolve": (
        ["old", "new"],
        {
            "--from": ("old", DOC),
            "--to": ("new", DOC),
            "--objects": ("objects", DOC),
            "--policy": ("policy", DOC),
        },
    ),
    "search": (
        ["catalog", "object", "text"],
        {
            "--catalog": ("catalog", DOC),
            "--object": ("object", DOC),
            "--text": ("text", TEXT),
            "--set": ("set", TEXT),
            "--actor": ("actor", DOC),
            "--policy": ("policy", DOC),
        },
    ),
    "filter": (
        ["catalog", "objects"],
        {
            "--catalog": ("catalog", DOC),
            "--objects": ("objects", DOC),
            "--filter": ("filter", TEXT),
            "--query": ("query", TEXT),
            "--count": ("count", FLAG),
            "--select": ("select", TEXT),
            "--top": ("top", INT),
            "--consistency-level": ("consistency_level", TEXT),
            "--object-type": ("object_type", TEXT),
            "--actor": ("actor", DOC),
            "--policy": ("policy", DOC),
        },
    ),
    "plan": (
        ["catalog", "object", "desired"],
        {
            "--catalog": ("catalog", DOC),
            "--object": ("object", DOC),
            "--desired": ("desired", DOC),
            "--actor": ("actor", DOC),
            "--policy": ("policy", DOC),
            "--exclusive": ("exclusive", FLAG),
            "--audit": ("audit", FLAG),
        },
    ),
    "apply": (
        ["catalog", "object", "changes"],
        {
            "--catalog": ("catalog", DOC),
            "--object": ("object", DOC),
            "--changes": ("changes", DOC),
            "--policy": ("policy", DOC),
        },
    ),
}


@dataclass
class Call:
    """A Python call: the function's name, its positional and its keyword arguments."""

    command: str
    args: List[Any]
    kwargs: Dict[str, Any]

    def run(self) -> Any:
        return getattr(entra_csa, self.command)(*self.args, **self.kwargs)

    def with_data(self) -> Optional["Call"]:
        """The same call with every document that has a parsed form given as `dict`/`list`;
        `None` when no document has one."""
        names = set(COMMANDS[self.command][0])
        changed = False
        args = list(self.args)
        kwargs = dict(self.kwargs)
        docs = {name for name, kind in COMMANDS[self.command][1].values() if kind == DOC}
        for i, (name, value) in enumerate(zip(COMMANDS[self.command][0], self.args)):
            if name in docs and isinstance(value, str):
                data = as_data(value)
                if data is not None:
                    args[i] = data
                    changed = True
        for name, value in self.kwargs.items():
            if name in docs and name not in names and isinstance(value, str):
                data = as_data(value)
                if data is not None:
                    kwargs[name] = data
                    changed = True
        return Call(self.command, args, kwargs) if changed else None


def python_call(args: List[str], cwd: Path, stdin: Optional[str]) -> Call:
    """The Python call that does what `csa ARGS` does in `cwd` (with `stdin` for `-`):
    documents are given as the text of their files, as the command line reads them."""
    command, rest = args[0], args[1:]
    positional, flags = COMMANDS[command]
    values: Dict[str, Any] = {}
    synced = False
    i = 0
    while i < len(rest):
        flag = rest[i]
        if flag == "--format":
            i += 2
            continue
        if flag == "--allow-synced" and flag not in flags:
            # Python's `check` has `allow_synced`; elsewhere it is the policy's knob.
            synced = True
            i += 1
            continue
        assert flag in flags, f"`csa {' '.join(args)}`: the test does not know `{flag}`"
        name, kind = flags[flag]
        if kind == FLAG:
            values[name] = True
            i += 1
            continue
        raw = rest[i + 1]
        i += 2
        if kind == DOC:
            values[name] = stdin if raw == "-" else (cwd / raw).read_text(encoding="utf-8")
        elif kind == INT:
            values[name] = int(raw)
        elif raw == "-" and stdin is not None:
            # `--filter -` / `--query -`: one line, its newline dropped.
            values[name] = stdin.rstrip("\r\n")
        else:
            values[name] = raw
    if synced:
        policy = json.loads(values["policy"]) if "policy" in values else {}
        policy["allowSyncedObjects"] = True
        values["policy"] = json.dumps(policy)
    call_args = [values.pop(name) for name in positional]
    return Call(command, call_args, values)


def engine_call(call: Call) -> Optional[Callable[[], Any]]:
    """The same request through a compiled `Engine`: a function returning its document."""
    kw = dict(call.kwargs)
    if call.command not in ("check", "plan", "view", "filter", "search"):
        return None
    policy = kw.pop("policy", None)
    if kw.pop("allow_synced", False):
        policy_doc = json.loads(policy) if isinstance(policy, str) else dict(policy or {})
        policy_doc["allowSyncedObjects"] = True
        policy = policy_doc
    catalog, *rest = call.args

    def run() -> Any:
        engine = entra_csa.Engine(catalog, policy)
        if call.command == "check":
            return engine.check(rest[0], **kw).to_dict()
        if call.command == "plan":
            return engine.plan(rest[0], rest[1], **kw).to_dict()
        if call.command == "view":
            return engine.view(rest[0], **kw).to_dict()
        if call.command == "filter":
            return engine.filter(rest[0], **kw).to_dict()
        return engine.search(rest[0], rest[1], **kw)

    return run


def engine_graph(call: Call) -> Tuple[int, Any]:
    """`(status, body)` of the compiled form's `graph_response()`."""
    kw = dict(call.kwargs)
    policy = kw.pop("policy", None)
    if kw.pop("allow_synced", False):
        policy_doc = json.loads(policy) if isinstance(policy, str) else dict(policy or {})
        policy_doc["allowSyncedObjects"] = True
        policy = policy_doc
    catalog, *rest = call.args
    engine = entra_csa.Engine(catalog, policy)
    if call.command == "check":
        return engine.check(rest[0], **kw).graph_response()
    if call.command == "view":
        return engine.view(rest[0], **kw).graph_response()
    return engine.filter(rest[0], **kw).graph_response()


# ------------------------------------------------------------------------------------------
# Comparing


def expect_same(run: Run, call: Call, what: str, positions: bool = True) -> None:
    """The call gives what the command line printed: the same document (exit 0 or 1), or
    `InputError` with the same violations and message (exit 2)."""
    shown = "csa " + " ".join(run.args)
    strip = (lambda v: v) if positions else without_positions
    if run.code in (0, 1):
        result = call.run()
        if ordered(strip(result)) != ordered(strip(run.json())):
            known_cli_sorting(call, result, run.json())
        assert ordered(strip(result)) == ordered(strip(run.json())), f"{what}: `{shown}`"
        return
    assert run.code == 2, f"{what}: `{shown}` exited {run.code}: {run.stderr}"
    with pytest.raises(entra_csa.InputError) as caught:
        call.run()
    error = caught.value
    if run.stdout.strip():
        # An invalid catalog: the command line prints its violations as JSON.
        assert ordered(strip(error.to_dict())) == ordered(strip(run.json())), shown
        assert str(error).startswith(f"invalid {error.document}: "), str(error)
    else:
        assert str(error) == cli_message(run.stderr), f"{what}: `{shown}`"


def known_cli_sorting(call: Call, result: Any, printed: Any) -> None:
    """A known difference of the command line this branch is built on (src/bin/csa.rs before
    the CLI calls `csa::commands`): `csa filter` reads a Graph list response
    (`{"value": [...]}`) through `serde_json::Value`, which sorts each object's keys, where
    `commands::Filter` (which Python calls) keeps their order. Marked as an expected failure
    only when sorting the keys of the returned objects is the whole difference, so it passes
    again, by itself, once the command line calls `commands::Filter`."""
    if call.command != "filter" or not isinstance(result, dict) or "value" not in result:
        return
    sort = lambda doc: {**doc, "value": [json.loads(json.dumps(v, sort_keys=True)) for v in doc["value"]]}
    if ordered(sort(result)) == ordered(sort(printed)):
        pytest.xfail(
            "csa filter at this commit sorts the keys of objects read from a Graph list "
            "response (serde_json::Value); commands::Filter, which Python calls, keeps them"
        )


def expect_engine_same(run: Run, call: Call, what: str, positions: bool = True) -> None:
    """The compiled form gives the same document as the command line."""
    engine = engine_call(call)
    if engine is None:
        return
    shown = "csa " + " ".join(run.args)
    strip = (lambda v: v) if positions else without_positions
    if run.code in (0, 1):
        assert ordered(strip(engine())) == ordered(strip(run.json())), f"{what}: `{shown}`"
        return
    with pytest.raises(entra_csa.InputError) as caught:
        engine()
    if run.stdout.strip():
        assert ordered(strip(caught.value.to_dict())) == ordered(strip(run.json())), shown
    else:
        assert str(caught.value) == cli_message(run.stderr), f"{what}: `{shown}`"


def expect_all(run: Run, call: Call) -> None:
    """One-shot and compiled, with text and with parsed data."""
    expect_same(run, call, "one-shot, text")
    expect_engine_same(run, call, "Engine, text")
    data = call.with_data()
    if data is not None:
        expect_same(run, data, "one-shot, dict", positions=False)
        expect_engine_same(run, data, "Engine, dict", positions=False)


def with_json_format(args: List[str]) -> List[str]:
    """`args` with `--format json` in place of any `--format`."""
    out: List[str] = []
    i = 0
    while i < len(args):
        if args[i] == "--format":
            i += 2
            continue
        out.append(args[i])
        i += 1
    return out + ["--format", "json"]


# ------------------------------------------------------------------------------------------
# docs/CLI.md


@dataclass
class Session:
    """One `$ csa ...` line of docs/CLI.md (read as tests/it/cli/sessions.rs reads it)."""

    line: int
    command: str
    args: List[str]
    stdin: Optional[str]
    documented_stderr: List[str]


def sessions() -> List[Session]:
    lines = (ROOT / "docs" / "CLI.md").read_text(encoding="utf-8").splitlines()
    found: List[Session] = []
    in_block = False
    current: Optional[Tuple[int, str, List[str]]] = None
    groups: List[Tuple[int, str, List[str]]] = []
    for n, line in enumerate(lines, start=1):
        if not in_block:
            in_block = line == "```console"
            continue
        if line == "```":
            in_block = False
            current = None
            continue
        if line.startswith("$ "):
            current = (n, line[2:], [])
            groups.append(current)
        elif current is not None:
            current[2].append(line)
    for n, command, output in groups:
        if command == "echo $?":
            continue
        stdin: Optional[str] = None
        rest = command
        m = re.match(r"^echo '(.*)' \| (csa .*)$", command)
        if m:
            stdin, rest = m.group(1) + "\n", m.group(2)
        if " < " in rest:
            rest, file = rest.split(" < ", 1)
            stdin = (EXAMPLES / file).read_text(encoding="utf-8")
        words = rest.split(" ")
        assert words[0] == "csa", f"docs/CLI.md:{n}: {command}"
        stderr = [l for l in output if l.startswith("csa: ")]
        found.append(Session(n, command, words[1:], stdin, stderr))
    return found


def session_id(s: Session) -> str:
    return f"CLI.md:{s.line}"


def no_python_equivalent(s: Session) -> Optional[str]:
    """Why a session has no Python equivalent, if it has none."""
    if s.args[0] == "demo":
        return "`csa demo` reads no documents: it has no Python function"
    for line in s.documented_stderr:
        if line.startswith("csa: usage error"):
            return "a usage error of the command line itself (" + line[len("csa: ") :] + ")"
        if line.startswith("csa: cannot read"):
            return "the command line cannot read a file (" + line[len("csa: ") :] + ")"
    if "--out" in s.args:
        return "`--out` writes a file"
    return None


@pytest.mark.parametrize("session", sessions(), ids=session_id)
def test_docs_session(session: Session) -> None:
    why = no_python_equivalent(session)
    if why is not None:
        pytest.skip(f"docs/CLI.md:{session.line} `$ {session.command}`: {why}")
    stdin = session.stdin.encode("utf-8") if session.stdin is not None else None
    if "--batch" in session.args:
        check_batch_session(session)
        return
    call = python_call(session.args, EXAMPLES, session.stdin)
    run = run_cli(with_json_format(session.args), EXAMPLES, stdin)
    expect_all(run, call)
    if session.args[0] in ("check", "view", "filter") and "graph" in session.args:
        graph = run_cli(session.args, EXAMPLES, stdin)
        if graph.code == 2:
            with pytest.raises(entra_csa.InputError):
                engine_graph(call)
            return
        printed = graph.json()
        status, body = engine_graph(call)
        assert status == printed["status"]
        assert ordered(body) == ordered(printed.get("body")), session.command


def check_batch_session(session: Session) -> None:
    """`csa check --batch FILE` and `csa plan --batch FILE`: one JSON line out per line in;
    each decided line is `{"line", "objectId", ...}` and then the Python `check` of its object
    and body (as its own actor, else `--actor`) or `plan` of its object and desired state. The
    documents of a line carry no places: they are parts of the line, given here as data."""
    run = run_cli(session.args, EXAMPLES)
    out = run.json_lines()
    args = session.args
    catalog = (EXAMPLES / args[args.index("--catalog") + 1]).read_text(encoding="utf-8")
    kwargs: Dict[str, Any] = {}
    if "--actor" in args:
        kwargs["actor"] = (EXAMPLES / args[args.index("--actor") + 1]).read_text(encoding="utf-8")
    if "--exclusive" in args:
        kwargs["exclusive"] = True
    batch = (EXAMPLES / args[args.index("--batch") + 1]).read_text(encoding="utf-8")
    lines = [(n, line) for n, line in enumerate(batch.splitlines(), start=1) if line.strip()]
    assert len(lines) == len(out)
    compared = 0
    for (n, line), printed in zip(lines, out):
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            item = None
        if args[0] == "check" and isinstance(item, dict) and {"object", "patch"} <= item.keys():
            own = {"actor": item["actor"]} if "actor" in item else {}
            result = entra_csa.check(catalog, item["patch"], object=item["object"], **{**kwargs, **own})
        elif args[0] == "plan" and isinstance(item, dict) and {"object", "desired"} <= item.keys():
            result = entra_csa.plan(catalog, item["object"], item["desired"], **kwargs)
        else:
            # Not a request: the batch's own line format, which Python has no call for.
            assert printed["line"] == n and "error" in printed
            continue
        expected = {"line": n, "objectId": item["object"].get("id"), **result}
        assert ordered(expected) == ordered(printed)
        compared += 1
    assert compared >= 1


# ------------------------------------------------------------------------------------------
# The documented Graph examples


@dataclass
class Case:
    """A command line run over files written for it, and its Python equivalent."""

    id: str
    args: List[str]
    files: Dict[str, str] = field(default_factory=dict)
    #: Runs first, in the case's directory (writes what the case reads from earlier runs).
    setup: Optional[Callable[[Path], None]] = None


def example(path: str) -> Dict[str, Any]:
    return json.loads((GRAPH_EXAMPLES / path).read_text(encoding="utf-8"))


def examples_in(folder: str) -> List[Tuple[str, Dict[str, Any]]]:
    return [
        (p.stem.split("-")[0], json.loads(p.read_text(encoding="utf-8")))
        for p in sorted((GRAPH_EXAMPLES / folder).glob("*.json"))
    ]


def actor_of(role_assignment_file: str) -> str:
    """An actor holding the role assignment a documented request creates (D20, D21)."""
    body = example(role_assignment_file)["request"]["body"]
    return json.dumps({"roleAssignments": [body]}, indent=2)


def text(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


SAMPLE = (GRAPH_EXAMPLES / "sample-catalog.json").read_text(encoding="utf-8")
R01_USER = example("reads/R01-get-user-csa.json")["response"]["body"]
R02_USER = example("reads/R02-get-user-csa-null.json")["response"]["body"]
ACTORS = {
    "no-actor": None,
    "D20-eng-admin": actor_of("definitions/D20-role-assignment-attributeset-scope.json"),
    "D21-tenant-admin": actor_of("definitions/D21-role-assignment-tenant-scope.json"),
}
TENANT = (EXAMPLES / "tenant.jsonl").read_text(encoding="utf-8")
BASE_FILES = {
    "catalog.json": SAMPLE,
    "r01-user.json": text(R01_USER),
    "r02-user.json": text(R02_USER),
    "tenant.jsonl": TENANT,
    "eng-definer.json": (EXAMPLES / "eng-definer.json").read_text(encoding="utf-8"),
    "mkt-reader.json": (EXAMPLES / "mkt-reader.json").read_text(encoding="utf-8"),
}


def with_actor(args: List[str], actor: Optional[str], files: Dict[str, str]) -> List[str]:
    if actor is None:
        return args
    files["actor.json"] = actor
    return args + ["--actor", "actor.json"]


def assignment_cases() -> List[Case]:
    """A01-A11 and X05 (every documented PATCH): check, on a new user and on R01's user, as
    each actor; plan to the body's state; apply of the check's changes to R01's user."""
    cases: List[Case] = []
    documented = examples_in("assignments") + [
        ("X05", example("errors/X05-observed-empty-string.json"))
    ]
    for eid, ex in documented:
        body = text(ex["request"]["body"])
        kind = ["--object-type", "servicePrincipal"] if "/servicePrincipals/" in ex["request"]["url"] else []
        for name, actor in ACTORS.items():
            for target in (None, "r01-user.json"):
                files = dict(BASE_FILES, **{"body.json": body})
                args = ["check", "--catalog", "catalog.json", "--patch", "body.json", *kind]
                if target:
                    args += ["--object", target]
                args = with_actor(args, actor, files)
                cases.append(Case(f"{eid}-check-{name}-{target or 'new-user'}", args, files))
        files = dict(BASE_FILES, **{"desired.json": text(ex["request"]["body"])})
        cases.append(
            Case(
                f"{eid}-plan-r01",
                ["plan", "--catalog", "catalog.json", "--object", "r01-user.json", "--desired", "desired.json"],
                files,
            )
        )
        cases.append(
            Case(
                f"{eid}-plan-exclusive-new-user",
                ["plan", "--catalog", "catalog.json", "--object", "r02-user.json", "--desired", "desired.json", "--exclusive"],
                dict(files),
            )
        )

        def write_changes(d: Path) -> None:
            run = run_cli(
                ["check", "--catalog", "catalog.json", "--object", "r01-user.json", "--patch", "body.json", "--format", "json"],
                d,
            )
            (d / "changes.json").write_text(run.stdout, encoding="utf-8")

        cases.append(
            Case(
                f"{eid}-apply-check-changes-to-r01",
                ["apply", "--catalog", "catalog.json", "--object", "r01-user.json", "--changes", "changes.json"],
                dict(BASE_FILES, **{"body.json": body}),
                write_changes,
            )
        )
    return cases


def definition_cases() -> List[Case]:
    """D01-D21 (every documented definition request, and the role assignments): define, as
    no one, the documented definition administrator and the D21 admin; evolve from the sample
    catalog to the catalog an accepted write makes."""
    cases: List[Case] = []
    for eid, ex in examples_in("definitions"):
        request = ex["request"]
        files = dict(BASE_FILES)
        args = ["define", "--catalog", "catalog.json", "--method", request["method"], "--path", request["url"]]
        if request.get("body_raw") is not None:
            files["body.json"] = request["body_raw"]
            args += ["--body", "body.json"]
        elif request.get("body") is not None:
            files["body.json"] = text(request["body"])
            args += ["--body", "body.json"]
        for name, actor in (("no-actor", None), ("eng-definer", "eng-definer.json"), ("D21", ACTORS["D21-tenant-admin"])):
            case_files = dict(files)
            case_args = list(args)
            if actor == "eng-definer.json":
                case_args += ["--actor", actor]
            else:
                case_args = with_actor(case_args, actor, case_files)
            cases.append(Case(f"{eid}-define-{name}", case_args, case_files))
        if request["method"] in ("POST", "PATCH"):

            def write_after(d: Path, define_args: List[str] = list(args)) -> None:
                run_cli(define_args + ["--out", "after.json"], d)
                if not (d / "after.json").exists():
                    # Refused: the catalog does not change.
                    (d / "after.json").write_text(SAMPLE, encoding="utf-8")

            cases.append(
                Case(
                    f"{eid}-evolve-to-catalog-after",
                    ["evolve", "--from", "catalog.json", "--to", "after.json", "--objects", "tenant.jsonl"],
                    dict(files),
                    write_after,
                )
            )
    return cases


def query_cases() -> List[Case]:
    """Q01-Q03: filter over the documented tenant and over the documented response's users,
    as the raw query string (with and without the header) and as the decoded filter."""
    cases: List[Case] = []
    for eid, ex in examples_in("filters"):
        url = ex["request"]["url"]
        raw = url.split("?", 1)[1]
        level = ex["request"]["headers"].get("ConsistencyLevel")
        files = dict(BASE_FILES, **{"listed.json": text(ex["response"]["body"])})
        for objects in ("tenant.jsonl", "listed.json"):
            base = ["filter", "--catalog", "catalog.json", "--objects", objects]
            cases.append(Case(f"{eid}-query-{objects}", base + ["--query", raw, "--consistency-level", level], files))
            cases.append(Case(f"{eid}-query-no-header-{objects}", base + ["--query", raw], files))
            cases.append(
                Case(
                    f"{eid}-filter-{objects}",
                    base + ["--filter", ex["decoded_filter"], "--count", "--consistency-level", level, "--top", "1", "--select", "id,customSecurityAttributes"],
                    files,
                )
            )
            cases.append(
                Case(
                    f"{eid}-filter-mkt-reader-{objects}",
                    base + ["--filter", ex["decoded_filter"], "--count", "--consistency-level", level, "--actor", "mkt-reader.json"],
                    files,
                )
            )
    return cases


def read_cases() -> List[Case]:
    """R01-R02: view as each reader; search R01's user; lint of the sample catalog and the
    fixtures (which are not catalogs: lint reports what is wrong with them)."""
    cases: List[Case] = []
    for user in ("r01-user.json", "r02-user.json"):
        for name, actor in dict(ACTORS, **{"mkt-reader": (EXAMPLES / "mkt-reader.json").read_text(encoding="utf-8")}).items():
            files = dict(BASE_FILES)
            args = with_actor(["view", "--catalog", "catalog.json", "--object", user], actor, files)
            cases.append(Case(f"{user[:3].upper()}-view-{name}", args, files))
    for prefix in ("", "b", "c", "q", "1", "t"):
        for set_prefix in (None, "mark", "eng"):
            args = ["search", "--catalog", "catalog.json", "--object", "r01-user.json", "--text", prefix]
            if set_prefix:
                args += ["--set", set_prefix]
            cases.append(Case(f"R01-search-{prefix or 'all'}-{set_prefix or 'all-sets'}", args, dict(BASE_FILES)))
    for name, path in (
        ("sample-catalog", "sample-catalog.json"),
        ("F01", "fixtures/F01-attribute-sets.json"),
        ("F02", "fixtures/F02-definitions.json"),
    ):
        files = {"catalog.json": (GRAPH_EXAMPLES / path).read_text(encoding="utf-8")}
        cases.append(Case(f"{name}-lint", ["lint", "--catalog", "catalog.json"], files))
    return cases


EXAMPLE_CASES = assignment_cases() + definition_cases() + query_cases() + read_cases()


@pytest.mark.parametrize("case", EXAMPLE_CASES, ids=lambda c: c.id)
def test_documented_example(case: Case, tmp_path: Path) -> None:
    for name, content in case.files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    if case.setup is not None:
        case.setup(tmp_path)
    call = python_call(case.args, tmp_path, None)
    run = run_cli(with_json_format(case.args), tmp_path)
    expect_all(run, call)


def test_every_command_is_covered() -> None:
    """Both suites together run every command the contract covers."""
    commands = {s.args[0] for s in sessions() if no_python_equivalent(s) is None}
    commands |= {c.args[0] for c in EXAMPLE_CASES}
    assert commands == set(COMMANDS), sorted(commands)
