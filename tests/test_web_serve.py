"""``relscale serve``: the command, its first account, its warnings, and the README's demo
(a whole process: a newcomer sees a demo round within a minute)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

from helpers import runner

pytest.importorskip("starlette")

from relscale.cli.main import app


def test_create_user_first_is_a_coordinator_then_asks(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    first = runner().invoke(app, ["serve", "--db", db, "--create-user"],
                            input="anna\nAnna de Boer\nlong enough pw\nlong enough pw\n")
    assert first.exit_code == 0, first.output
    assert "Made coordinator anna" in first.output
    second = runner().invoke(app, ["serve", "--db", db, "--create-user"],
                             input="bram\nBram\ncoach\nlong enough pw\nlong enough pw\n")
    assert second.exit_code == 0 and "Made coach bram" in second.output
    short = runner().invoke(app, ["serve", "--db", db, "--create-user"],
                            input="cees\nCees\ncoach\nshort\nshort\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    assert "Traceback" not in short.output
    taken = runner().invoke(app, ["serve", "--db", db, "--create-user"],
                            input="anna\nAnna\ncoach\nlong enough pw\nlong enough pw\n")
    assert taken.exit_code != 0 and "taken" in taken.output
    from relscale.store.engine import open_store
    from relscale.web.accounts import authenticate

    with open_store(db) as store:
        user = authenticate(store, "anna", "long enough pw")
        assert user is not None and user.is_coordinator
        assert authenticate(store, "anna", "wrong password") is None


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def run(store: Any, config: Any, **kwargs: Any) -> None:
        calls.append({"config": config, **kwargs})

    monkeypatch.setattr("relscale.web.server.run", run)
    return calls


def test_serve_binds_loopback_by_default_and_warns_elsewhere(tmp_path: Path,
                                                            no_server: list) -> None:
    db = str(tmp_path / "s.db")
    quiet = runner().invoke(app, ["serve", "--db", db])
    assert quiet.exit_code == 0, quiet.output
    assert no_server[-1]["host"] == "127.0.0.1" and no_server[-1]["port"] == 8000
    assert "warning" not in quiet.output and "--create-user" in quiet.output
    exposed = runner().invoke(app, ["serve", "--db", db, "--host", "0.0.0.0", "--port", "9000"])
    assert exposed.exit_code == 0
    assert "warning: listening on 0.0.0.0 without TLS" in exposed.output
    proxied = runner().invoke(app, ["serve", "--db", db, "--host", "10.1.2.3",
                                    "--behind-proxy"])
    assert "only the HTTPS proxy" in proxied.output and no_server[-1]["behind_proxy"]
    tls = runner().invoke(app, ["serve", "--db", db, "--host", "0.0.0.0", "--certfile",
                                "c.pem", "--keyfile", "k.pem"])
    assert "warning" not in tls.output and no_server[-1]["config"].secure_cookies


def test_serve_without_the_web_extra_says_which_extra(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = runner().invoke(app, ["serve", "--db", str(tmp_path / "s.db")])
    assert result.exit_code != 0 and 'pip install "relscale[web]"' in result.output
    assert "Traceback" not in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_readme_demo_shows_a_round_within_a_minute(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient  # noqa: F401 (httpx is installed)
    import httpx

    port = _free_port()
    exe = Path(sys.executable).with_name("relscale")
    start = time.monotonic()
    proc = subprocess.Popen([str(exe), "serve", "--demo", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, cwd=tmp_path)
    try:
        lines: list[str] = []
        assert proc.stdout is not None
        while not any("Ctrl-C" in line for line in lines):
            line = proc.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
            assert time.monotonic() - start < 60
        text = "".join(lines)
        password = re.search(r"coordinator 'demo' \(password '([^']+)'\)", text).group(1)  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10, follow_redirects=True) as client:
            for _ in range(100):
                try:
                    login = client.get("/login")
                    break
                except httpx.ConnectError:
                    time.sleep(0.1)
            csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
            signed = client.post("/login", data={"username": "demo", "password": password,
                                                 "csrf": csrf, "next": "/"})
            assert signed.status_code == 200 and "Demo spring" in signed.text
            results = client.get("/rounds/2/results")
            assert "Ms Jansen" in results.text
            child = re.search(r"Questionnaire for Sam \(client\): (\S+)", text).group(1)  # type: ignore[union-attr]
            assert client.get(child.replace(base, "")).status_code == 200
        assert time.monotonic() - start < 60, "a newcomer sees the demo within a minute"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
