"""adapt(): one instrument, worded for one sector and perspective, in one locale."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import (
    CORE_DOMAIN,
    CORE_LOCALE_DIR,
    LOCALE_CHANGES,
    N_,
    SOURCE_LOCALE,
    Translator,
    _,
    ctx_field,
    ctx_item,
    resolve_locale,
)
from relscale.model.models import (
    AdaptedDimension,
    AdaptedInstrument,
    AdaptedItem,
    AdaptedPractice,
    Instrument,
    NormTable,
    Offering,
    Perspective,
    RespondentVariant,
    ResponseScale,
    ScalePoint,
    Sector,
)
from relscale.model.respondents import ROLE_PLACEHOLDER

if TYPE_CHECKING:
    from relscale.registry import Registry

NOTICE_NOT_VALIDATED = N_(
    "relscale item bank: written for this project, not yet validated. "
    "Do not use scores for decisions about individuals."
)
NOTICE_VALIDATED = N_("Validated instrument.")


def default_perspective(registry: Registry, instrument_id: str) -> Perspective:
    """The instrument's only perspective; an error naming the choices when it has several."""
    instrument = registry.instrument(instrument_id)
    if len(instrument.perspectives) == 1:
        return instrument.perspectives[0]
    raise RelscaleError(
        _("instrument {instrument!r} has several perspectives ({perspectives}): choose one "
          "with --perspective").format(
            instrument=instrument_id, perspectives=", ".join(instrument.perspectives)
        )
    )


def declined_reason(sector: Sector, offering: Offering, locale: str) -> str:
    """The sector's reason for declining an offering, in ``locale`` (English fallback)."""
    owner = f"{offering.instrument}.{offering.perspective}"
    return Translator(locale).sector_text(
        sector, ctx_field(owner, "declined"), offering.declined or ""
    )


def adapted_scale(inst: Instrument, sec: Sector, offering: Offering,
                  tr: Translator) -> ResponseScale:
    """The response scale of an offering in the translator's locale: the sector's own
    (labels from the sector catalog) or the instrument's (labels from its catalog)."""
    source: ResponseScale
    if offering.scale is not None:
        owner = f"{offering.instrument}.{offering.perspective}.scale"

        def label(key: str, source: str) -> str:
            return tr.sector_text(sec, ctx_field(owner, key), source)

        source = offering.scale
    else:
        owner = f"{inst.id}.scale"

        def label(key: str, source: str) -> str:
            return tr.instrument_text(inst, ctx_field(owner, key), source)

        source = inst.scale
    na = source.not_applicable
    return ResponseScale(
        id=source.id,
        points=tuple(ScalePoint(value=p.value, label=label(str(p.value), p.label))
                     for p in source.points),
        not_applicable=(ScalePoint(value=na.value, label=label("na", na.label))
                        if na is not None else None),
    )


def respondent_variant(sec: Sector, variant: str | None) -> RespondentVariant | None:
    """The sector's respondent variant ``variant`` (its first when None); an error naming
    the choices for an unknown one."""
    try:
        return sec.variant(variant)
    except KeyError:
        if not sec.variants:
            raise RelscaleError(_("sector {sector!r} has no respondent variants (--variant)")
                                .format(sector=sec.id)) from None
        raise RelscaleError(
            _("sector {sector!r} has no respondent variant {variant!r} (it has: {known})")
            .format(sector=sec.id, variant=variant,
                    known=", ".join(v.id for v in sec.variants))) from None


def adapted_practice(offering: Offering, sect: Callable[[str, str], str],
                     said_as: Callable[[str], str]) -> AdaptedPractice | None:
    """The offering's practice statements and script in the translator's locale."""
    practice = offering.practice
    if practice is None:
        return None
    owner = f"{offering.instrument}.{offering.perspective}"
    return AdaptedPractice(
        statements=tuple(
            (said_as(sect(ctx_field(f"{owner}.practice", str(n)), s.text)), s.answer)
            for n, s in enumerate(practice.statements, start=1)),
        script=said_as(sect(ctx_field(owner, "practice_script"), practice.script)),
        always=practice.always,
    )


def adapt(
    instrument: str,
    sector: str,
    perspective: Perspective | None = None,
    locale: str = SOURCE_LOCALE,
    *,
    registry: Registry | None = None,
    norms: Iterable[NormTable] = (),
    variant: str | None = None,
) -> AdaptedInstrument:
    """Adapt a registered instrument to a sector, perspective and locale.

    :param instrument: instrument id, e.g. ``relationship_quality``.
    :param sector: sector id, e.g. ``foster_homes``.
    :param perspective: ``professional`` or ``client``; default the instrument's only one.
    :param locale: requested locale; negotiated ``nl_BE`` -> ``nl`` -> ``en``.
    :param norms: extra norm tables (e.g. from ``--norms FILE``) for this combination,
        used before the registered ones.
    :param variant: the sector's respondent variant (``Sector.variants``, e.g. education's
        ``secondary``) whose word for the professional fills ``{role}``; default the first.
    :raises RelscaleError: unknown ids, a perspective the sector does not offer (with the
        sector's reason), an unknown variant, or an unknown locale.
    """
    if registry is None:
        from relscale.plugins import get_registry

        registry = get_registry()
    inst = registry.instrument(instrument)
    sec = registry.sector(sector)
    if perspective is None:
        perspective = default_perspective(registry, instrument)
    if perspective not in inst.perspectives:
        raise RelscaleError(
            _("instrument {instrument!r} has no {perspective!r} perspective "
              "(it has: {perspectives})").format(
                instrument=instrument,
                perspective=perspective,
                perspectives=", ".join(inst.perspectives),
            )
        )
    offering = sec.offering(instrument, perspective)
    if offering is None:
        raise RelscaleError(
            _("sector {sector!r} does not offer {instrument!r} from the {perspective} "
              "perspective").format(sector=sector, instrument=instrument, perspective=perspective)
        )
    used_locale, notes = resolve_locale(locale)
    tr = Translator(used_locale)
    if offering.declined:
        raise RelscaleError(
            _("sector {sector!r} declines {instrument!r} from the {perspective} perspective: "
              "{reason}").format(
                sector=sector,
                instrument=instrument,
                perspective=perspective,
                reason=declined_reason(sec, offering, used_locale),
            )
        )

    def core(owner: str, name: str, source: str) -> str:
        return tr.instrument_text(inst, ctx_field(owner, name), source)

    def sect(context: str, source: str) -> str:
        return tr.sector_text(sec, context, source)

    chosen = respondent_variant(sec, variant)
    respondent_role = sec.role(perspective)
    subject_role = sec.role("client" if perspective == "professional" else "professional")
    if chosen is not None and perspective == "client":  # a variant is the client's words
        spoken: str | None = sect(ctx_field(f"variant.{chosen.id}", "spoken_label"),
                                  chosen.spoken_label)
    elif subject_role.spoken_label:
        spoken = sect(ctx_field(f"role.{subject_role.id}", "spoken_label"),
                      subject_role.spoken_label)
    else:
        spoken = None
    said = spoken or sect(ctx_field(f"role.{subject_role.id}", "label"), subject_role.label)

    def said_as(text: str) -> str:
        return text.replace(ROLE_PLACEHOLDER, said)

    slots = {s.id: s for s in inst.slots(perspective)}
    items: list[AdaptedItem] = []
    dropped: list[AdaptedItem] = []
    for wording in offering.items:
        slot = slots.get(wording.item)
        dimension = slot.dimension if slot else wording.dimension
        keying = slot.keying if slot else wording.keying
        if slot:
            intent = core(slot.id, "intent", slot.intent)
        else:
            intent = sect(ctx_field(wording.item, "intent"), wording.intent or "")
        rationale = sect(ctx_field(wording.item, "rationale"), wording.rationale)
        text = said_as(sect(ctx_item(wording.item), wording.text)) if wording.text else intent
        change = (tr.sector_change(sec, ctx_item(wording.item), wording.text)
                  if wording.text and used_locale != SOURCE_LOCALE else None)
        if change and change[0] not in LOCALE_CHANGES:
            change = None  # a typo in a catalog; `relscale i18n check` reports it
        target = dropped if wording.provenance == "dropped" else items
        target.append(
            AdaptedItem(
                id=wording.item,
                position=len(target) + 1,
                dimension=dimension or "",
                keying=keying or "+",
                text=text,
                intent=intent,
                provenance=wording.provenance,
                rationale=rationale,
                locale_change=change[0] if change else None,  # type: ignore[arg-type]
                locale_rationale=change[1] if change else None,
            )
        )

    used_dims = {i.dimension for i in items}
    dimensions = tuple(
        AdaptedDimension(
            id=d.id,
            label=core(f"{inst.id}.{d.id}", "label", d.label),
            description=core(f"{inst.id}.{d.id}", "description", d.description),
            framework=d.framework,
            favourable=d.favourable,
        )
        for d in inst.dimensions
        if d.id in used_dims
    )
    scale = adapted_scale(inst, sec, offering, tr)

    def role_label(role_id: str, label: str) -> str:
        return sect(ctx_field(f"role.{role_id}", "label"), label)

    owner = f"{instrument}.{perspective}"
    notice_source = NOTICE_VALIDATED if inst.validated else NOTICE_NOT_VALIDATED
    adapted_norms = tuple(norms) + registry.norms_for(instrument, sector, perspective)
    result = AdaptedInstrument(
        instrument=inst.id,
        version=inst.version,
        framework=inst.framework,
        title=(said_as(sect(ctx_field(owner, "title"), offering.title)) if offering.title
               else core(inst.id, "title", inst.title)),
        sector=sec.id,
        sector_label=sect(ctx_field("sector", "label"), sec.label),
        perspective=perspective,
        locale=used_locale,
        requested_locale=locale,
        respondent=role_label(respondent_role.id, respondent_role.label),
        subject=role_label(subject_role.id, subject_role.label),
        subject_spoken=spoken,
        variant=chosen.id if chosen is not None else None,
        variant_label=(sect(ctx_field(f"variant.{chosen.id}", "label"), chosen.label)
                       if chosen is not None else None),
        instructions=said_as(sect(ctx_field(owner, "instructions"), offering.instructions or "")),
        administration=(
            sect(ctx_field(owner, "administration"), offering.administration)
            if offering.administration
            else None
        ),
        scale=scale,
        scale_changes=offering.scale.changes if offering.scale else (),
        scale_rationale=(sect(ctx_field(f"{owner}.scale", "rationale"), offering.scale.rationale)
                         if offering.scale else None),
        practice=adapted_practice(offering, sect, said_as),
        scoring=inst.scoring,
        dimensions=dimensions,
        items=tuple(items),
        dropped=tuple(dropped),
        validated=inst.validated,
        notice=tr.lookup(notice_source, domain=CORE_DOMAIN, locale_dir=CORE_LOCALE_DIR),
        norms=adapted_norms,
    )
    fallbacks = tuple(notes + tr.notes)
    return result.model_copy(update={"fallbacks": fallbacks}) if fallbacks else result
