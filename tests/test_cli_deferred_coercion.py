"""``relscale.cli.main.defer_coercion``: typer's coercion of a parameter is built only once
the parameter has a value, and gives what typer's own gives."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer._coercion import build_runtime_param
from typer.testing import CliRunner

from relscale.cli.main import app, defer_coercion


def _params(command: Any) -> Iterator[tuple[Any, Any]]:
    ctx = typer.Context(command)
    for param in command.get_params(ctx):
        yield command, param
    for sub in getattr(command, "commands", {}).values():
        yield from _params(sub)


def test_every_unset_parameter_gets_what_typer_gives() -> None:
    command = typer.main.get_command(app)
    defer_coercion(command)
    params = list(_params(command))
    assert len(params) > 50 and any(p.multiple for _, p in params)
    assert {p.name for _, p in params} >= {"help", "locale", "content", "version"}
    for owner, param in params:
        ctx = typer.Context(owner)
        deferred = param.get_runtime_param()
        assert type(deferred).__name__ == "_UnsetFirst", param.name  # help options too
        typer_own = build_runtime_param(param.type_descriptor)
        assert deferred.coerce(None, param=param, ctx=ctx) == typer_own.coerce(
            None, param=param, ctx=ctx), param.name
        assert param.get_runtime_param() is deferred  # nothing built for an unset value


def test_a_value_is_coerced_by_typer_and_its_coercion_kept() -> None:
    command = typer.main.get_command(app)
    defer_coercion(command)
    content = next(p for p in command.params if p.name == "content")
    ctx = typer.Context(command)
    assert content.get_runtime_param().coerce(["pyproject.toml"], param=content, ctx=ctx) \
        == build_runtime_param(content.type_descriptor).coerce(
            ["pyproject.toml"], param=content, ctx=ctx)
    assert type(content.get_runtime_param()).__name__ != "_UnsetFirst"


@pytest.mark.parametrize("args", [
    ["--content", "no/such/file.toml", "sectors"],
    ["sectors", "--locale"],
    ["instruments", "--nope"],
    ["--version"],
    ["sectors", "--help"],
])
def test_same_result_as_typer_alone(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    plain = runner.invoke(app, args)
    command = typer.main.get_command(app)
    defer_coercion(command)
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: command)
    deferred = runner.invoke(app, args)
    assert (deferred.exit_code, deferred.stdout, deferred.stderr) == (
        plain.exit_code, plain.stdout, plain.stderr)
