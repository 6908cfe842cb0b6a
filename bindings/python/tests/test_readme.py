"""The README's example (the PyPI page) runs and prints what its comment says."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

from support import GRAPH_EXAMPLES

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_example_prints_what_it_says(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    example = text.split("## Example", 1)[1]
    code = re.search(r"```python\n(.*?)```", example, re.S)
    assert code is not None
    source = code.group(1)
    promised = [line.split("# ", 1)[1] for line in source.splitlines() if "print(" in line and "# " in line]
    (tmp_path / "catalog.json").write_text(
        (GRAPH_EXAMPLES / "sample-catalog.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(source, str(README), "exec"), {})
    finally:
        os.chdir(cwd)
    assert out.getvalue().splitlines() == promised
