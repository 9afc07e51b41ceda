"""Reliability: how consistently a scale's items measure, for ``relscale reliability``,
norm tables and the equivalence evidence.

- :mod:`relscale.reliability.classical`: Cronbach's alpha, McDonald's omega, item-rest
  correlations and alpha-if-deleted per scale, as ``psych::alpha`` and ``psych::omega``
  compute them; the report of an instrument or of named columns;
- :mod:`relscale.reliability.ci`: alpha's Feldt and Duhachek intervals;
- :mod:`relscale.reliability.ordinal`: ordinal alpha and categorical omega (when, and the
  numbers through :mod:`relscale.analysis.ordinal_reliability`);
- :mod:`relscale.reliability.keying`: items that run against their scale;
- :mod:`relscale.reliability.args`: the checks of ``--items``, ``--reverse`` and the bounds.

Reliability is not scoring: it describes a sample, and only norm building
(:mod:`relscale.scoring.norms_build`) uses it there. ``relscale.scoring`` still exports the
functions a script needs (``instrument_reliability`` and the rest). Nothing here imports
numpy at import time.
"""
