"""What the tests share: where the repository and the `csa` binary are, running the command
line, and comparing its JSON with what entra_csa returns (key order included)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "docs" / "examples"
GRAPH_EXAMPLES = ROOT / "tests" / "data" / "graph-examples"


def csa_binary() -> Path:
    """The `csa` command line: `$CSA_CLI`, or the debug build of this repository."""
    path = Path(os.environ.get("CSA_CLI", ROOT / "target" / "debug" / "csa"))
    if not path.is_file():
        raise RuntimeError(
            f"the csa command line is not at {path}: build it with "
            "`cargo build --features cli --bin csa`, or set CSA_CLI"
        )
    return path


@dataclass
class Run:
    """One run of the command line."""

    args: List[str]
    stdout: str
    stderr: str
    code: int

    def json(self) -> Any:
        return json.loads(self.stdout)

    def json_lines(self) -> List[Any]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


def run_cli(args: Sequence[str], cwd: Path, stdin: Optional[bytes] = None) -> Run:
    """Runs `csa ARGS` in `cwd`."""
    done = subprocess.run(
        [str(csa_binary()), *args],
        cwd=cwd,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=60,
    )
    return Run(
        list(args),
        done.stdout.decode("utf-8"),
        done.stderr.decode("utf-8"),
        done.returncode,
    )


def ordered(value: Any) -> str:
    """`value` as JSON text with its keys in their order: two documents are the same, key for
    key, value for value and in the same key order, when their texts are equal."""
    return json.dumps(value, ensure_ascii=False, indent=1)


def without_positions(value: Any) -> Any:
    """`value` without the `offset`, `line` and `column` of its violations and warnings: what
    only a document given as text has. An `invalid_filter` keeps its `offset`: the filter is
    always text, and its offset is there whatever the other documents were."""
    if isinstance(value, dict):
        is_finding = "code" in value and "pointer" in value
        placed = ("line", "column") if value.get("code") == "invalid_filter" else ("offset", "line", "column")
        return {
            k: without_positions(v)
            for k, v in value.items()
            if not (is_finding and k in placed)
        }
    if isinstance(value, list):
        return [without_positions(v) for v in value]
    return value


def cli_message(stderr: str) -> str:
    """The command line's one-line message without `csa: ` and without the file's name:
    "invalid actor file `bad-actor.json`: ..." -> "invalid actor: ..."."""
    line = stderr.strip()
    if line.startswith("csa: "):
        line = line[len("csa: ") :]
    head, sep, rest = line.partition(": ")
    words = head.split(" ")
    # "invalid actor file `x`" / "invalid catalog `x`"
    while words and words[-1].startswith("`") and words[-1].endswith("`"):
        words.pop()
    if words and words[-1] == "file":
        words.pop()
    return " ".join(words) + sep + rest


def loads_strict(text: str) -> Any:
    """`text` parsed as JSON, refusing repeated keys (which a `dict` cannot hold, so a
    document with them has no `dict` equivalent)."""

    def pairs(items: List[Any]) -> Dict[str, Any]:
        keys = [k for k, _ in items]
        if len(set(keys)) != len(keys):
            raise ValueError("repeated key")
        return dict(items)

    return json.loads(text, object_pairs_hook=pairs)


def as_data(text: str) -> Optional[Any]:
    """The parsed form of a document given as text: a `dict`/`list` for JSON, a `list` of
    objects for JSON Lines; `None` when it has none (not JSON, repeated keys, a scalar)."""
    try:
        value = loads_strict(text)
    except ValueError:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            return None
        try:
            value = [loads_strict(line) for line in lines]
        except ValueError:
            return None
    return value if isinstance(value, (dict, list)) else None
