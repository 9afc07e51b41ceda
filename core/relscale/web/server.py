"""Starting the page: checks before uvicorn runs it (``relscale serve``)."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    from relscale.store.engine import Store
    from relscale.web.app import WebConfig


def need_web_packages() -> None:
    """One line naming the extra when the page's packages are missing."""
    try:
        import argon2  # noqa: F401
        import jinja2  # noqa: F401
        import python_multipart  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise RelscaleError(_(
            "relscale serve needs the 'web' extra ({missing} is not installed): "
            "pip install \"relscale[web]\"").format(missing=exc.name)) from None


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, tls: bool, behind_proxy: bool) -> str | None:
    """A warning when the page listens beyond this machine without HTTPS."""
    if is_loopback(host) or tls:
        return None
    if behind_proxy:
        return _("listening on {host}: make sure only the HTTPS proxy can reach this port "
                 "(docs/web.md)").format(host=host)
    return _("listening on {host} without TLS: passwords and children's answers would cross "
             "the network unencrypted; run it behind a reverse proxy with HTTPS, or give "
             "--certfile and --keyfile (docs/web.md)").format(host=host)


def store_warning(store: Store) -> str | None:
    """A warning when other users of this machine can read the store's file."""
    from relscale.store.engine import readable_by_others

    path = readable_by_others(store)
    if path is None:
        return None
    return _("{path} can be read by other users of this machine, and it holds names and "
             "answers: chmod 600 {path} (new stores are made so)").format(path=path)


def server_config(store: Store, config: WebConfig, *, host: str, port: int,
                  certfile: str | None = None, keyfile: str | None = None,
                  behind_proxy: bool = False, log_level: str = "warning") -> Any:
    """uvicorn's configuration of the page: with ``behind_proxy`` it believes
    ``X-Forwarded-Proto`` and ``X-Forwarded-For`` from this machine only (the proxy), and
    of ``X-Forwarded-For`` only the address the proxy added (the right-most one)."""
    import uvicorn

    from relscale.web.app import create_app

    return uvicorn.Config(create_app(store, config), host=host, port=port,
                          ssl_certfile=certfile, ssl_keyfile=keyfile,
                          proxy_headers=behind_proxy,
                          forwarded_allow_ips="127.0.0.1,::1" if behind_proxy else None,
                          server_header=False, date_header=False, log_level=log_level,
                          access_log=False)


def run(store: Store, config: WebConfig, *, host: str, port: int, certfile: str | None = None,
        keyfile: str | None = None, behind_proxy: bool = False, log_level: str = "warning"
        ) -> None:
    """Serve the page until interrupted (uvicorn, one process)."""
    import uvicorn

    uvicorn.Server(server_config(store, config, host=host, port=port, certfile=certfile,
                                 keyfile=keyfile, behind_proxy=behind_proxy,
                                 log_level=log_level)).run()
