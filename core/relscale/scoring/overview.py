"""The professional's overview of a round: every client's scores from both perspectives,
where the two views differ most, and change since an earlier round.

The data a coach works from, gathered by :func:`relscale.rounds.overview.round_overview`
from the store and laid out by :mod:`relscale.workbooks.round_report`. Computations here
need no store: how far two views are apart (:func:`view_gap`), and the reliable change
index of a pair between rounds (:func:`pair_change`), with the SD and reliability of the
norm table the later score was placed with (:func:`relscale.scoring.change.reliable_change`,
Jacobson & Truax), never of another table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from relscale.model.models import AdaptedDimension, NormTable
from relscale.scoring.change import is_reliable, reliable_change
from relscale.scoring.norms import band_index

DIFFER_BANDS = 2
"""Two views differ when their bands are at least this many bands apart (the profile
page's reading says "the two views differ" from the same distance)."""
MOST_DIFFERENT = 3
"""How many pairs the overview lists under "the views differ most"."""


@dataclass(frozen=True)
class ScoreView:
    """One perspective's score on one dimension, placed in its norm table."""

    raw: float
    percentile: float
    band: str | None
    table: NormTable | None

    @property
    def band_index(self) -> int | None:
        if self.table is None or math.isnan(self.percentile):
            return None
        return band_index(self.table.bands, self.percentile)


@dataclass(frozen=True)
class Change:
    """A pair's change on one dimension and perspective between two rounds."""

    perspective: str
    dimension: str
    before: ScoreView
    after: ScoreView
    rci: float
    """NaN when the after score's norm table has no reliability for the dimension."""

    @property
    def difference(self) -> float:
        return self.after.raw - self.before.raw

    @property
    def reliable(self) -> bool:
        return is_reliable(self.rci)


@dataclass
class PairOverview:
    professional_code: str
    client_code: str
    client_name: str | None
    group: str | None
    professional: dict[str, ScoreView] = field(default_factory=dict)
    """The professional's view, by dimension (empty: not returned)."""
    client: dict[str, ScoreView] = field(default_factory=dict)
    before_professional: dict[str, ScoreView] = field(default_factory=dict)
    before_client: dict[str, ScoreView] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.client_name} ({self.client_code})" if self.client_name \
            else self.client_code

    @property
    def reliable_changes(self) -> list[Change]:
        return [c for c in self.changes if c.reliable]


@dataclass(frozen=True)
class Gap:
    """How far the two views of a pair are apart on one dimension."""

    pair: PairOverview
    dimension: str
    professional: ScoreView
    client: ScoreView

    @property
    def percentile_gap(self) -> float:
        return abs(self.professional.percentile - self.client.percentile)

    @property
    def band_gap(self) -> int | None:
        a, b = self.professional.band_index, self.client.band_index
        return None if a is None or b is None else abs(a - b)


def view_gap(pair: PairOverview) -> Gap | None:
    """The dimension where the professional's and the client's views are furthest apart
    (in percentile points, both placed in their own norm group); None without both."""
    best: Gap | None = None
    for d, p in pair.professional.items():
        c = pair.client.get(d)
        if c is None or math.isnan(p.percentile) or math.isnan(c.percentile):
            continue
        gap = Gap(pair, d, p, c)
        if best is None or gap.percentile_gap > best.percentile_gap:
            best = gap
    return best


def most_different(pairs: list[PairOverview], n: int = MOST_DIFFERENT) -> list[Gap]:
    """The pairs whose two views differ most: at least :data:`DIFFER_BANDS` bands apart,
    largest gap first, at most ``n``."""
    gaps = [g for g in map(view_gap, pairs)
            if g is not None and (g.band_gap or 0) >= DIFFER_BANDS]
    gaps.sort(key=lambda g: (-g.percentile_gap, g.pair.client_code))
    return gaps[:n]


def pair_change(perspective: str, dimension: str, before: ScoreView, after: ScoreView
                ) -> Change:
    """The change of one dimension, with the RCI from the SD and reliability of the norm
    table ``after`` was placed with."""
    rci = math.nan
    norm = after.table.dimension(dimension) if after.table is not None else None
    if norm is not None and norm.reliability is not None:
        rci = reliable_change(before.raw, after.raw, norm.sd, norm.reliability)
    return Change(perspective, dimension, before, after, rci)


def add_changes(pair: PairOverview) -> None:
    """Fill ``pair.changes`` from its scores and the earlier round's."""
    pair.changes = []
    for perspective, now, before in (("professional", pair.professional,
                                      pair.before_professional),
                                     ("client", pair.client, pair.before_client)):
        for d, after in now.items():
            earlier = before.get(d)
            if earlier is None or math.isnan(earlier.raw) or math.isnan(after.raw):
                continue
            pair.changes.append(pair_change(perspective, d, earlier, after))


@dataclass
class ProfessionalOverview:
    """One professional's page: every client, both views, differences, change."""

    code: str
    name: str | None
    groups: list[str]
    instrument: str
    """The professional's report (``relationship_quality``, ``working_alliance``)."""
    client_instrument: str | None
    sector: str
    dimensions: tuple[AdaptedDimension, ...]
    """The professional report's dimensions, then the client report's others."""
    professional_dimensions: tuple[str, ...]
    client_dimensions: tuple[str, ...]
    respondent: str
    """The professional's role (``teacher``), for headings."""
    subject: str
    """The client's role (``student``)."""
    pairs: list[PairOverview] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})" if self.name else self.code

    @property
    def most_different(self) -> list[Gap]:
        return most_different(self.pairs)

    @property
    def reliable_changes(self) -> list[Change]:
        return [c for p in self.pairs for c in p.reliable_changes]


@dataclass(frozen=True)
class GroupSummary:
    """A group's line of the organization summary (never for a group under the minimum)."""

    group: str
    pairs: int
    scored: int
    """Pairs with the professional's report scored."""
    mean_percentile: dict[tuple[str, str], float]
    """(perspective, dimension) -> mean percentile over the group's scored pairs."""
    reliable_up: int = 0
    reliable_down: int = 0


@dataclass
class RoundOverview:
    round: str
    previous: str | None
    professionals: list[ProfessionalOverview]
    groups: list[GroupSummary]
    total: GroupSummary | None
    hidden_groups: int
    """Groups left out of the summary: fewer scored pairs than ``min_group``."""
    min_group: int
    norms: list[str]
    """One line per norm table the shown scores were placed with."""
    rci_basis: list[str]
    """Which SD and reliability each RCI used (per norm table and dimension)."""
    statuses: set[str]
    """The statuses of those norm tables (``illustrative`` is said on every page)."""
    names: bool
    """Whether the overview holds names."""
    notice: str = ""


def mean(values: list[float]) -> float:
    good = [v for v in values if not math.isnan(v)]
    return sum(good) / len(good) if good else math.nan
