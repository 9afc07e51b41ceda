"""Forms in batches: one workbook per sector x instrument x perspective x locale.

:func:`export_forms` is ``relscale forms`` without the command line::

    from relscale.workbooks.form_batch import export_forms

    batch = export_forms("forms", locales=["en", "nl"])        # relscale forms --all
    for declined in batch.declined:
        print(declined)                                         # ... declines ..., skipped: why
    assert not batch.failed

Perspectives a sector declines (or does not offer) are skipped and reported with the
sector's reason; a form that cannot be written (it exists and ``overwrite`` is off, a
full disk) is reported in :attr:`FormBatch.failed` while the others are written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from relscale.errors import RelscaleError
from relscale.i18n import _

PERSPECTIVES = ("professional", "client")

Progress = Callable[[int, int, str], None]
"""``progress(done, total, label)``: called with ``done=0`` before the first form and after
each form with its label (``instrument/sector/perspective/locale``)."""


@dataclass(frozen=True)
class Declined:
    """A combination that was asked for but is not a form: the sector declines it, or does
    not offer it at all."""

    sector: str
    instrument: str
    perspective: str
    reason: str | None
    """The sector's reason for declining, in the locale current when the batch started;
    None when the sector does not offer this instrument perspective at all."""

    def __str__(self) -> str:
        if self.reason is None:
            return _("{sector}: does not offer {instrument} ({perspective}); skipped").format(
                sector=self.sector, instrument=self.instrument, perspective=self.perspective
            )
        return _("{sector}: declines {instrument} ({perspective}), skipped: {reason}").format(
            sector=self.sector,
            instrument=self.instrument,
            perspective=self.perspective,
            reason=self.reason,
        )


@dataclass(frozen=True)
class FormExport:
    """One form of a batch: where it was written, or why it was not."""

    instrument: str
    sector: str
    perspective: str
    locale: str
    path: Path | None = None
    error: str | None = None

    @property
    def label(self) -> str:
        return f"{self.instrument}/{self.sector}/{self.perspective}/{self.locale}"


@dataclass
class FormBatch:
    """What :func:`export_forms` did."""

    exports: list[FormExport] = field(default_factory=list)
    declined: list[Declined] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Locale fallbacks of the forms' content (e.g. a sector without a Dutch catalog)."""

    @property
    def written(self) -> list[FormExport]:
        return [e for e in self.exports if e.error is None]

    @property
    def failed(self) -> list[FormExport]:
        return [e for e in self.exports if e.error is not None]


class NothingToExport(RelscaleError):
    """Every requested combination was declined; ``declined`` says why."""

    def __init__(self, declined: Sequence[Declined]) -> None:
        self.declined = list(declined)
        super().__init__(_("nothing to export: every requested combination was skipped"))


def form_combinations(
    *,
    sectors: Sequence[str] = (),
    instruments: Sequence[str] = (),
    perspectives: Sequence[str] = (),
) -> tuple[list[tuple[str, str, str]], list[Declined]]:
    """The (sector, instrument, perspective) to export and the declined ones.

    An empty selection means every registered sector, every instrument, every perspective
    an instrument has. Unknown ids are errors.
    """
    from relscale.adapt import declined_reason
    from relscale.i18n import current_locale
    from relscale.plugins import get_registry

    reg = get_registry()
    sector_ids = list(sectors) or list(reg.sectors)
    instrument_ids = list(instruments) or list(reg.instruments)
    for s in sector_ids:
        reg.sector(s)
    for i in instrument_ids:
        reg.instrument(i)
    for p in perspectives:
        if p not in PERSPECTIVES:
            raise RelscaleError(
                _("unknown perspective {p!r} (choose professional or client)").format(p=p)
            )
    combos: list[tuple[str, str, str]] = []
    declined: list[Declined] = []
    for s in sector_ids:
        sec = reg.sector(s)
        for i in instrument_ids:
            for p in reg.instrument(i).perspectives:
                if perspectives and p not in perspectives:
                    continue
                offering = sec.offering(i, p)
                if offering is None:
                    declined.append(Declined(s, i, p, None))
                elif offering.declined:
                    reason = declined_reason(sec, offering, current_locale())
                    declined.append(Declined(s, i, p, reason))
                else:
                    combos.append((s, i, p))
    return combos, declined


def export_forms(
    out_dir: Path | str,
    *,
    sectors: Sequence[str] = (),
    instruments: Sequence[str] = (),
    perspectives: Sequence[str] = (),
    locales: Sequence[str] = (),
    overwrite: bool = False,
    subject_name: str | None = None,
    password: str | None = None,
    progress: Progress | None = None,
    layout: str | None = None,
    pictures: bool = False,
    client_name: str | None = None,
    professional_name: str | None = None,
    admin_sheet: bool = False,
    variant: str | None = None,
    practice: bool = False,
) -> FormBatch:
    """Write a form for every offered sector x instrument x perspective x locale.

    Files are named :func:`relscale.workbooks.form.form_filename`. An empty selection
    means all (``relscale forms --all``); ``locales`` defaults to the current locale, and
    each form's UI strings follow its own locale. Every locale is checked before anything
    is written. Raises :class:`NothingToExport` when every combination was declined; a
    form that fails is in :attr:`FormBatch.failed`, the others are written.
    ``client_name`` and ``professional_name`` go where each applies on each form
    (:func:`relscale.workbooks.form_parts.form_names`); ``subject_name``, the older
    spelling, names the other person on every form whose subject has no name given.

    ``variant`` words the client forms of the sectors that have respondent variants
    (education: primary, secondary) for that variant, and adds it to their file names;
    ``practice`` prints the practice statements where a client form has them.
    """
    from relscale.adapt import adapt, respondent_variant
    from relscale.i18n import current_locale, resolve_locale, set_locale
    from relscale.plugins import get_registry
    from relscale.workbooks.form import export_form, form_filename
    from relscale.workbooks.form_parts import form_names

    ui = current_locale()
    combos, declined = form_combinations(
        sectors=sectors, instruments=instruments, perspectives=perspectives
    )
    wanted = list(dict.fromkeys(locales or [ui]))
    for loc in wanted:
        resolve_locale(loc)  # an unknown locale fails before anything is written
    if variant is not None:  # an unknown variant too
        with_variants = [get_registry().sector(s) for s in dict.fromkeys(c[0] for c in combos)
                         if get_registry().sector(s).variants]
        if not with_variants:
            raise RelscaleError(_("--variant: none of the sectors asked for has respondent "
                                  "variants"))
        for sec in with_variants:
            respondent_variant(sec, variant)
    jobs = [(s, i, p, loc) for (s, i, p) in combos for loc in wanted]
    if not jobs:
        raise NothingToExport(declined)
    from relscale.io.atomic import make_folder

    out = make_folder(out_dir)
    batch = FormBatch(declined=declined)
    notes: set[str] = set()
    if progress is not None:
        progress(0, len(jobs), "")
    for done, (s, i, p, loc) in enumerate(jobs, start=1):
        result = FormExport(i, s, p, loc)
        try:
            used, _notes = resolve_locale(loc)
            # adapted before the switch: its notes are messages to the user, in the run's
            # one language, whatever the form's locale
            has_variants = bool(get_registry().sector(s).variants)
            chosen = variant if has_variants and p == "client" else None
            adapted = adapt(i, s, p, used, variant=chosen)  # type: ignore[arg-type]
            set_locale(used)  # UI strings on the form follow the form's locale
            notes.update(adapted.fallbacks)
            path = out / form_filename(adapted, with_variant=chosen is not None)
            respondent, subject = form_names(adapted.perspective, client_name=client_name,
                                             professional_name=professional_name)
            export_form(adapted, path, overwrite=overwrite,
                        subject_name=subject or subject_name, respondent_name=respondent,
                        password=password, layout=layout, pictures=pictures,
                        admin_sheet=admin_sheet, practice=practice)
            result = FormExport(i, s, p, loc, path=path)
        except (RelscaleError, OSError) as exc:
            result = FormExport(i, s, p, loc, error=str(exc))
        finally:
            set_locale(ui)
        batch.exports.append(result)
        if progress is not None:
            progress(done, len(jobs), result.label)
    batch.notes = sorted(notes)
    return batch
