"""The typed usage example (which `mypy --strict` checks against the stubs) also runs."""

import typed_usage


def test_the_typed_example_runs() -> None:
    lines = typed_usage.main()
    assert lines[-1].startswith("actor: invalid_actor: invalid actor: ")
    assert "204" in lines
