"""A per-user cache of what ``relscale sectors`` and ``relscale instruments`` list.

Building the registry validates every content file with pydantic, which costs more than
the listing itself. The listing fields of a registry that was built and checked without
a warning are kept in a JSON file (one per set of plugins and content files), under a
fingerprint of everything they were read from: the bytes of every instrument and sector
file, the plugins in load order, the content size limit, the versions of relscale and
Python, and the stamps of pydantic's ``version.py`` and of relscale's code that validates.
Any difference, or a file that cannot be read, and the registry is built and checked
again, with the same errors as without a cache. Translations are not cached: the records
are translated from the live catalogs each time.

Only plugins whose content is known by its files take part: core's item bank, the user's
content files and data plugins (:func:`relscale.data_plugin`). A plugin that registers
instruments, sectors or exporters from its own code makes every listing build the
registry. ``RELSCALE_CACHE_DIR`` names the folder; set empty, nothing is cached.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pluggy

    from relscale.registry import Registry

ENV_CACHE_DIR = "RELSCALE_CACHE_DIR"
FORMAT = 1
_HOOKS = ("register_instruments", "register_sectors", "register_exporters")
_CODE = ("model", "registry.py", "builtin.py", "user_content.py", "data_plugin.py",
         "plugins.py", "catalog_cache.py", "limits.py", "messages.py", "__about__.py")
"""relscale's code that reads and validates content: its stamps are in the fingerprint."""

Entries = dict[str, list[dict[str, Any]]]
"""``{"sectors": [...], "instruments": [...]}``: the language-neutral listing fields."""


def cache_dir() -> Path | None:
    """The folder of relscale's cache files; None when ``RELSCALE_CACHE_DIR`` is empty."""
    value = os.environ.get(ENV_CACHE_DIR)
    if value is not None:
        return Path(value) if value.strip() else None
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "relscale" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "relscale"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "relscale"


def listing_entries(reg: Registry) -> Entries:
    """The listing fields of every sector and instrument of a registry, in its order."""
    sectors = [
        {
            "sector": s.id,
            "label": s.label,
            "professional": [s.professional.id, s.professional.label],
            "client": [s.client.id, s.client.label],
            "offers": [f"{o.instrument}/{o.perspective}" for o in s.offerings
                       if not o.declined],
            "plugin": reg.origin[("sector", s.id)],
            "domain": s.domain,
            "locale_dir": s.locale_dir,
        }
        for s in reg.sectors.values()
    ]
    instruments = [
        {
            "instrument": i.id,
            "title": i.title,
            "perspectives": list(i.perspectives),
            "dimensions": [d.id for d in i.dimensions],
            "items": {p: len(i.slots(p)) for p in i.perspectives},
            "validated": i.validated,
            "domain": i.domain,
            "locale_dir": i.locale_dir,
        }
        for i in reg.instruments.values()
    ]
    return {"sectors": sectors, "instruments": instruments}


def _content_sources(pm: pluggy.PluginManager) -> list[list[Any]] | None:
    """``[plugin name, kind, files]`` per plugin in load order; None when a plugin
    registers content from its own code (then only building the registry can tell)."""
    from relscale import builtin, user_content
    from relscale.data_plugin import DataPlugin

    implementers = {impl.plugin_name for hook in _HOOKS
                    for impl in getattr(pm.hook, hook).get_hookimpls()}
    sources: list[list[Any]] = []
    for name, plugin in pm.list_name_plugin():
        files: list[Path]
        if plugin is builtin:
            kind, files = "builtin", sorted(builtin.INSTRUMENT_DIR.glob("*.toml"))
        elif plugin is user_content:
            kind, files = "user", user_content.content_files()
        elif type(plugin) is DataPlugin:
            kind = "data"
            sector = [plugin.sector_file] if plugin.sector_file.is_file() else []
            files = [*plugin.instrument_files, *sector]
        elif name in implementers:
            return None
        else:
            continue  # registers commands only, or nothing listed
        sources.append([name, kind, [str(p) for p in files]])
    return sources


def _code_stamps() -> list[list[Any]]:
    root = Path(__file__).parent
    paths = [p for name in _CODE
             for p in (sorted((root / name).glob("*.py")) if "." not in name else [root / name])]
    return [[p.name, p.stat().st_mtime_ns, p.stat().st_size] for p in paths]


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _pydantic_stamp() -> list[Any]:
    """Where pydantic is and its ``version.py``'s stamp, without importing it (asking
    importlib.metadata for its version costs more than the rest of the fingerprint)."""
    from importlib.util import find_spec

    spec = find_spec("pydantic")
    if spec is None or spec.origin is None:
        return []
    version = Path(spec.origin).parent / "version.py"
    return [str(version), version.stat().st_mtime_ns, version.stat().st_size]


def _fingerprint(sources: list[list[Any]]) -> str:
    from relscale.__about__ import __version__
    from relscale.limits import ENV_MAX_CONTENT, read_limited

    # read as the loaders read (``--content /dev/zero`` stops at the size limit)
    contents = [hashlib.sha256(read_limited(f)).hexdigest()
                for _name, _kind, files in sources for f in files]
    return _digest([FORMAT, __version__, _pydantic_stamp(), list(sys.version_info[:3]),
                    os.environ.get(ENV_MAX_CONTENT), _code_stamps(), sources, contents])


Slot = tuple[Path, str]
"""Where the listing of the current plugins and content files is kept, and their
fingerprint, taken before the registry is built (a file edited meanwhile then misses)."""


def slot(pm: pluggy.PluginManager) -> Slot | None:
    """The cache slot for the current plugins and content files; None when nothing is
    cached (no cache folder, a plugin with content from code, a file that cannot be read:
    building the registry says which)."""
    folder = cache_dir()
    sources = _content_sources(pm)
    if folder is None or sources is None:
        return None
    from relscale.limits import BadLimit, TooLarge

    try:
        fingerprint = _fingerprint(sources)
    except (OSError, TooLarge, BadLimit):
        return None
    return folder / f"catalog-{_digest(sources)[:20]}.json", fingerprint


def load(where: Slot) -> Entries | None:
    """The listing fields kept in ``where``, or None (none, stale or unreadable)."""
    path, fingerprint = where
    try:
        data = json.loads(path.read_bytes())
        if data["fingerprint"] != fingerprint:
            return None
        entries = data["entries"]
        if not (isinstance(entries["sectors"], list)
                and isinstance(entries["instruments"], list)):
            return None
        return {"sectors": entries["sectors"], "instruments": entries["instruments"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(where: Slot, entries: Entries) -> None:
    """Keep ``entries`` in ``where``, atomically; a folder that cannot be written is no
    error (the next listing builds the registry again)."""
    import tempfile

    path, fingerprint = where
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".catalog-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"fingerprint": fingerprint, "entries": entries}, fh)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def listing() -> Entries:
    """The listing fields of the process-wide registry (:func:`relscale.get_registry`):
    from the cache when it holds them for the current plugins and content files, else
    from the registry, built and checked (its errors raised), and then kept."""
    import warnings

    from relscale import plugins

    built = plugins.built_registry()
    if built is not None:
        return listing_entries(built)
    where = slot(plugins.get_plugin_manager())
    entries = load(where) if where is not None else None
    if entries is not None:
        return entries
    with warnings.catch_warnings(record=True) as caught:
        reg = plugins.get_registry()
    for w in caught:  # shown as they would have been; such content is not kept
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    entries = listing_entries(reg)
    if where is not None and not caught:
        store(where, entries)
    return entries
