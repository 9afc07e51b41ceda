"""The plugin kit: create a sector plugin, and check one.

- :func:`new_plugin` writes a standalone, installable plugin project
  (``relscale plugin new``);
- :func:`check_plugins` reports every problem of installed plugins or a plugin folder as
  :class:`Problem` records (``relscale plugin check``);
- :mod:`relscale.plugin_kit.contract` holds the contract rules both use, and
  :class:`relscale.testing.SectorContract` runs as a pytest suite.
"""

from relscale.plugin_kit.check import CheckReport, check_plugins
from relscale.plugin_kit.problem import Problem
from relscale.plugin_kit.scaffold import NewPlugin, new_plugin

__all__ = ["CheckReport", "NewPlugin", "Problem", "check_plugins", "new_plugin"]
