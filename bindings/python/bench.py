"""entra_csa against what a Python user would pick instead, on the `evaluate_typical` inputs of
the Rust benches (a 936-byte PATCH of 10 attributes, a 6 MB catalog of 5,000 definitions, a
user holding 10 values, a tenant-wide Attribute Assignment Administrator).

    python bench.py [--inputs DIR] [--rounds N]

Without `--inputs`, it builds the Rust bench (`cargo bench --no-run --bench interleaved`) and
runs it with `dump target/bench-inputs`, which writes catalog.json, object.json, actor.json,
body.json and schema.json (the JSON Schema of the Rust bench's `jsonschema_peer`).

Wall-clock drifts on a shared machine, so, as benches/interleaved.rs does, every figure is the
median of per-round ratios: each round times a batch of each function on the same input, in an
order that rotates from round to round, and the ratio of two batches of one round is one sample.

Compared:

- `Engine.check(bytes)` returning the typed `Evaluation` (catalog compiled once; object and
  actor parsed once), against `jsonschema_rs` (`json.loads` + `is_valid` on the schema) and
  `fastjsonschema` (`json.loads` + the compiled validator; draft-07, so it ignores the
  schema's `dependentRequired` and checks a little less).
- the one-shot `entra_csa.check(...)` returning a dict (it compiles the catalog every call),
  and `Engine.check(...).to_dict()` (the cost of building the dict alone), against
  `Engine.check`.
- `Engine.check_many` of 2,000 requests on 1 thread against 2 threads (on a shared 2-core
  machine, any other process caps the speed-up: run it when the machine is otherwise idle).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence, Tuple

import entra_csa

ROOT = Path(__file__).resolve().parents[2]


def bench_inputs() -> Path:
    """Builds the Rust bench and dumps its inputs into target/bench-inputs."""
    out = ROOT / "target" / "bench-inputs"
    built = subprocess.run(
        ["cargo", "bench", "--no-run", "--bench", "interleaved", "--message-format=json"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    exe = None
    for line in built.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("target", {}).get("name") == "interleaved":
            exe = msg.get("executable") or exe
    if exe is None:
        sys.exit("cannot find the interleaved bench's executable")
    subprocess.run([exe, "dump", str(out)], cwd=ROOT, check=True)
    return out


def batch(f: Callable[[], Any], n: int) -> float:
    """Nanoseconds per call of `f`, over `n` calls."""
    start = time.perf_counter_ns()
    for _ in range(n):
        f()
    return (time.perf_counter_ns() - start) / n


def quartiles(values: Sequence[float]) -> Tuple[float, float, float]:
    v = sorted(values)
    at = lambda q: v[min(len(v) - 1, len(v) * q // 4)]  # noqa: E731
    return at(1), at(2), at(3)


def interleaved(
    functions: Dict[str, Tuple[Callable[[], Any], int]], rounds: int
) -> Dict[str, List[float]]:
    """ns per call of each function, one sample per round; the order rotates every round."""
    names = list(functions)
    samples: Dict[str, List[float]] = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            f, n = functions[name]
            samples[name].append(batch(f, n))
    return samples


def ratio(samples: Dict[str, List[float]], a: str, b: str) -> Tuple[float, float, float]:
    return quartiles([x / y for x, y in zip(samples[a], samples[b])])


def show(samples: Dict[str, List[float]]) -> None:
    for name, values in samples.items():
        q1, q2, q3 = quartiles(values)
        print(f"  {name:<34} {q2:>12,.0f} ns   (quartiles {q1:,.0f} .. {q3:,.0f})")


def show_ratio(label: str, r: Tuple[float, float, float]) -> None:
    print(f"  {label:<50} median {r[1]:8.2f}x  (quartiles {r[0]:.2f}x .. {r[2]:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=Path, help="the directory `interleaved dump` wrote")
    parser.add_argument("--rounds", type=int, default=200, help="rounds of the per-request comparison")
    args = parser.parse_args()
    inputs = args.inputs or bench_inputs()

    import fastjsonschema
    import jsonschema_rs

    catalog = (inputs / "catalog.json").read_bytes()
    object_text = (inputs / "object.json").read_bytes()
    actor_text = (inputs / "actor.json").read_bytes()
    body = (inputs / "body.json").read_bytes()
    schema = json.loads((inputs / "schema.json").read_bytes())

    engine = entra_csa.Engine(catalog)
    user = entra_csa.Object(object_text)
    admin = entra_csa.Actor(actor_text)
    evaluation = engine.check(body, object=user, actor=admin)
    assert evaluation.allowed and len(evaluation.changes) == 10, evaluation.to_dict()
    validator = jsonschema_rs.validator_for(schema)
    assert validator.is_valid(json.loads(body))
    validate = fastjsonschema.compile(schema)
    validate(json.loads(body))
    one_shot = entra_csa.check(catalog, body, object=object_text, actor=actor_text)
    assert one_shot == evaluation.to_dict()

    print(f"entra_csa {entra_csa.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(f"inputs: {inputs} (body {len(body)} bytes, catalog {len(catalog):,} bytes)")
    print(f"load average before: {os.getloadavg()[0]:.2f}")

    def csa_check() -> Any:
        return engine.check(body, object=user, actor=admin)

    def csa_to_dict() -> Any:
        return engine.check(body, object=user, actor=admin).to_dict()

    def with_jsonschema_rs() -> Any:
        return validator.is_valid(json.loads(body))

    def with_fastjsonschema() -> Any:
        return validate(json.loads(body))

    def csa_one_shot() -> Any:
        return entra_csa.check(catalog, body, object=object_text, actor=actor_text)

    print(f"\n1. one request: {args.rounds} rounds of 500 calls each")
    per_request = interleaved(
        {
            "Engine.check -> Evaluation": (csa_check, 500),
            "json.loads + jsonschema_rs.is_valid": (with_jsonschema_rs, 500),
            "json.loads + fastjsonschema": (with_fastjsonschema, 500),
            "Engine.check(...).to_dict()": (csa_to_dict, 500),
        },
        args.rounds,
    )
    show(per_request)
    show_ratio("Engine.check / jsonschema_rs", ratio(per_request, "Engine.check -> Evaluation", "json.loads + jsonschema_rs.is_valid"))
    show_ratio("Engine.check / fastjsonschema", ratio(per_request, "Engine.check -> Evaluation", "json.loads + fastjsonschema"))
    show_ratio("Engine.check(...).to_dict() / Engine.check", ratio(per_request, "Engine.check(...).to_dict()", "Engine.check -> Evaluation"))

    rounds = max(5, args.rounds // 10)
    print(f"\n2. the one-shot check (compiles the 6 MB catalog each call): {rounds} rounds")
    compiled = interleaved(
        {"check(...) -> dict": (csa_one_shot, 2), "Engine.check -> Evaluation": (csa_check, 500)},
        rounds,
    )
    show(compiled)
    show_ratio("check(...) / Engine.check", ratio(compiled, "check(...) -> dict", "Engine.check -> Evaluation"))

    items = [(user, body, admin)] * 2000
    print(f"\n3. Engine.check_many of {len(items)} requests: {rounds * 2} rounds")
    print("  (check_many timed alone; freeing its 2,000 results, which Python does on one thread")
    print("  with the GIL held, timed apart.)")
    many_samples: Dict[str, List[float]] = {k: [] for k in ("1 thread", "2 threads", "free 1", "free 2")}

    def timed_many(threads: int) -> Tuple[float, float]:
        start = time.perf_counter_ns()
        results = engine.check_many(items, threads=threads)
        middle = time.perf_counter_ns()
        del results
        return middle - start, time.perf_counter_ns() - middle

    for r in range(rounds * 2):
        order = (1, 2) if r % 2 == 0 else (2, 1)
        for threads in order:
            run, free = timed_many(threads)
            many_samples[f"{threads} thread{'s' if threads > 1 else ''}"].append(run)
            many_samples[f"free {threads}"].append(free)
    for name in ("1 thread", "2 threads", "free 1", "free 2"):
        q1, q2, q3 = quartiles(many_samples[name])
        label = f"check_many, {name}" if not name.startswith("free") else f"freeing its results, {name[5:]} thread{'s' if name[5:] != '1' else ''}"
        print(f"  {label:<34} {q2:>12,.0f} ns   (quartiles {q1:,.0f} .. {q3:,.0f})")
    show_ratio("speed-up of 2 threads over 1", ratio(many_samples, "1 thread", "2 threads"))
    with_free = {
        "1": [a + b for a, b in zip(many_samples["1 thread"], many_samples["free 1"])],
        "2": [a + b for a, b in zip(many_samples["2 threads"], many_samples["free 2"])],
    }
    show_ratio("the same, freeing the results included", ratio(with_free, "1", "2"))
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
