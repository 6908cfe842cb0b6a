"""A `csa serve` for each test, and Microsoft's Python SDK pointed at it.

The server is the built `csa` binary (`$CSA_BIN`, or `target/debug/csa` built with
`--features serve`), started on port 0 from the documented examples (docs/examples/
sample-catalog.json and tenant.jsonl) with the tokens of tests/sdk/tokens.json. Its first line
of standard output is the address; its request log (standard error) is kept in a file the test
can read.

The client is `GraphServiceClient` on the SDK's `GraphRequestAdapter` (a kiota
`HttpxRequestAdapter`) whose base URL is the server's and whose access-token provider returns a
bearer token of the tokens file: the SDK as an application uses it, with the token provider in
place of Azure Identity.
"""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from msgraph import GraphRequestAdapter, GraphServiceClient

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "docs" / "examples"


def csa_bin() -> Path:
    given = os.environ.get("CSA_BIN")
    if given:
        return Path(given)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "csa"


class StaticToken(AccessTokenProvider):
    """An access-token provider that returns one bearer token of the tokens file."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def get_authorization_token(
        self, uri: str, additional_authentication_context: Optional[Dict[str, Any]] = None
    ) -> str:
        return self.token

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return AllowedHostsValidator([])


def graph_client(base_url: str, token: str) -> GraphServiceClient:
    """`GraphServiceClient` sending `token` to `base_url` (`http://127.0.0.1:PORT/v1.0`)."""
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(StaticToken(token)))
    adapter.base_url = base_url
    return GraphServiceClient(request_adapter=adapter)


@dataclass
class Server:
    """A running `csa serve`."""

    address: str
    process: "subprocess.Popen[str]"
    log_file: Path

    def client(self, token: str = "admin-token", version: str = "v1.0") -> GraphServiceClient:
        return graph_client(f"{self.address}/{version}", token)

    def log(self) -> List[str]:
        """The request log so far: one JSON line per request."""
        return [
            line
            for line in self.log_file.read_text(encoding="utf-8").splitlines()
            if line.startswith("{")
        ]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    binary = csa_bin()
    if not binary.exists():
        pytest.fail(f"{binary} does not exist: run `cargo build --features serve --bin csa`")
    log_file = tmp_path / "serve.log"
    with log_file.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [
                str(binary),
                "serve",
                "--catalog",
                str(EXAMPLES / "sample-catalog.json"),
                "--objects",
                str(EXAMPLES / "tenant.jsonl"),
                "--tokens",
                str(ROOT / "tests" / "sdk" / "tokens.json"),
                "--listen",
                "127.0.0.1:0",
            ],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        assert first.startswith("listening on http://127.0.0.1:"), (
            first,
            log_file.read_text(encoding="utf-8"),
        )
        yield Server(first.removeprefix("listening on "), process, log_file)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert code == 0, log_file.read_text(encoding="utf-8")
