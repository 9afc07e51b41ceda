"""Domain model validation: bad definitions are rejected with messages that say why."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from fixtures_content import instrument_dict, mini_sector_dict, sector_dict
from relscale import Instrument, ItemWording, NormTable, ResponseScale, Sector
from relscale.model.models import Offering


def test_valid_instrument_loads() -> None:
    inst = Instrument.model_validate(instrument_dict())
    assert [s.id for s in inst.slots("professional")] == ["m1", "m2", "m3", "m4"]
    assert inst.scale.min == 1 and inst.scale.max == 5
    assert inst.validated is False


def test_models_are_frozen() -> None:
    inst = Instrument.model_validate(instrument_dict())
    with pytest.raises(ValidationError):
        inst.id = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"items": [{"id": "m1", "perspective": "professional", "dimension": "nope",
                     "keying": "+", "intent": "x"}]}, "unknown dimension 'nope'"),
        ({"items": [{"id": "m1", "perspective": "client", "dimension": "warmth",
                     "keying": "+", "intent": "x"}]}, "perspective 'client' is not one of"),
        ({"id": "Bad-Id"}, "String should match pattern"),
        ({"items": [{"id": "m1", "perspective": "professional", "dimension": "warmth",
                     "keying": "x", "intent": "x"}]}, r"Input should be '\+' or '-'"),
    ],
)
def test_invalid_instrument_rejected(change: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Instrument.model_validate(instrument_dict(**change))


def test_duplicate_item_ids_rejected() -> None:
    items = instrument_dict()["items"]
    with pytest.raises(ValidationError, match="duplicate item id 'm1'"):
        Instrument.model_validate(instrument_dict(items=[items[0], items[0]]))


def test_scale_points_must_be_consecutive() -> None:
    with pytest.raises(ValidationError, match="consecutive"):
        ResponseScale(id="s", points=({"value": 1, "label": "a"}, {"value": 3, "label": "b"}))


def test_item_wording_shapes() -> None:
    with pytest.raises(ValidationError, match="dropped but has text"):
        ItemWording(item="a", text="x", provenance="dropped", rationale="r")
    with pytest.raises(ValidationError, match="needs text"):
        ItemWording(item="a", provenance="reworded", rationale="r")
    with pytest.raises(ValidationError, match="needs dimension, keying and intent"):
        ItemWording(item="a", text="x", provenance="added", rationale="r")
    with pytest.raises(ValidationError, match="belong to added items only"):
        ItemWording(item="a", text="x", provenance="unchanged", rationale="r", keying="+")


def test_declined_offering_needs_no_items_and_has_none() -> None:
    offering = {"instrument": "mini", "perspective": "professional", "declined": "Because."}
    sector = Sector.model_validate(sector_dict(offerings=[offering]))
    assert sector.offering("mini", "professional").declined == "Because."  # type: ignore[union-attr]
    bad = dict(offering, items=[{"item": "m1", "text": "t", "provenance": "unchanged",
                                 "rationale": "r"}])
    with pytest.raises(ValidationError, match="declined but lists items"):
        Sector.model_validate(sector_dict(offerings=[bad]))


def test_valid_sector() -> None:
    sector = Sector.model_validate(mini_sector_dict())
    assert sector.role("client").label == "mentee"


def _norms(**overrides: object) -> dict:
    data = {
        "instrument": "mini",
        "sector": "test_sector",
        "perspective": "professional",
        "population": {"n": 100, "year": 2026, "source": "test", "status": "illustrative"},
        "banding": "test",
        "bands": [{"label": "low", "lower": 0, "upper": 50},
                  {"label": "high", "lower": 50, "upper": 100}],
        "dimensions": [{"dimension": "warmth", "mean": 3, "sd": 1, "n": 100,
                        "percentiles": [{"raw": 1, "percentile": 5},
                                        {"raw": 2, "percentile": 30}]}],
    }
    data.update(overrides)
    return data


def test_norm_table_shape() -> None:
    table = NormTable.model_validate(_norms())
    assert table.group_label == "all"
    assert table.dimension("warmth").sd == 1  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="increasing raw scores"):
        NormTable.model_validate(_norms(dimensions=[{
            "dimension": "warmth", "mean": 3, "sd": 1, "n": 100,
            "percentiles": [{"raw": 2, "percentile": 5}, {"raw": 1, "percentile": 30}]}]))
    with pytest.raises(ValidationError, match="Input should be 'published', 'local'"):
        NormTable.model_validate(_norms(population={"n": 1, "year": 2026, "source": "x",
                                                    "status": "made up"}))


def test_verbatim_is_read_as_unchanged_with_a_deprecation_note(tmp_path) -> None:
    import warnings

    from relscale.model.content import load_sector
    from relscale.model.models import RelscaleDeprecationWarning

    path = tmp_path / "sector.toml"
    path.write_text(
        'id = "old"\nlabel = "Old"\ndescription = "An 0.1 sector file."\n'
        '[professional]\nid = "w"\nlabel = "worker"\nplural = "workers"\n'
        '[client]\nid = "c"\nlabel = "client"\nplural = "clients"\n'
        '[[offerings]]\ninstrument = "working_alliance"\nperspective = "client"\n'
        'instructions = "Answer."\n'
        '[[offerings.items]]\nitem = "wac01"\nprovenance = "verbatim"\ntext = "T."\n'
        'rationale = "Same."\n',
        encoding="utf-8",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sector = load_sector(path)
    assert sector.offerings[0].items[0].provenance == "unchanged"
    notes = [w for w in caught if issubclass(w.category, RelscaleDeprecationWarning)]
    assert len(notes) == 1
    message = str(notes[0].message)
    assert str(path) in message and "'unchanged'" in message and "wac01" in message


def test_a_rationale_said_once_per_offering_fills_items_without_one() -> None:
    offering = Offering(
        instrument="i", perspective="client", instructions="Answer.",
        rationales={"terms_substituted": "Role noun only."},
        items=[
            {"item": "a", "text": "x", "provenance": "terms_substituted"},
            {"item": "b", "text": "y", "provenance": "reworded", "rationale": "Own reason."},
        ],
    )
    assert [w.rationale for w in offering.items] == ["Role noun only.", "Own reason."]
    with pytest.raises(ValidationError):  # a reworded item needs its own rationale
        Offering(instrument="i", perspective="client", instructions="Answer.",
                 rationales={"terms_substituted": "Role noun only."},
                 items=[{"item": "a", "text": "x", "provenance": "reworded"}])
