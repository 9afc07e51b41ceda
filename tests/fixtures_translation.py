"""Inline content for the translation tests: a mini instrument, an education sector and a
``mentoring`` sector, with Dutch catalogs written into temporary folders on demand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from fixtures_content import instrument_dict
from relscale.registry import Registry

EDU_TEXTS = {
    "m1": "As a teacher I enjoy time with {subject}.",
    "m2": "I keep my distance from this student.",
    "m3": "Students and I argue.",
    "m4": "The student clings to the teacher.",
}
EDU_NL = {
    "m1": "Als leerkracht ben ik graag samen met {subject}.",
    "m2": "Ik houd afstand van deze leerling.",
    "m3": "Leerlingen en ik maken ruzie.",
    # m4 deliberately untranslated in education: the draft must leave it empty.
}


def _offering(texts: dict[str, str], instructions: str) -> dict[str, Any]:
    return {
        "instrument": "mini",
        "perspective": "professional",
        "instructions": instructions,
        "items": [
            {"item": k, "text": v, "provenance": "unchanged", "rationale": f"Why {k}."}
            for k, v in texts.items()
        ],
    }


def education_dict(locale_dir: Path) -> dict[str, Any]:
    return {
        "id": "education",
        "label": "Education",
        "description": "Schools.",
        "domain": "relscale_education",
        "locale_dir": str(locale_dir),
        "professional": {"id": "teacher", "label": "teacher", "plural": "teachers"},
        "client": {"id": "student", "label": "student", "plural": "students"},
        "offerings": [_offering(EDU_TEXTS, "Think of one student.")],
    }


def target_dict(locale_dir: Path, texts: dict[str, str] | None = None) -> dict[str, Any]:
    texts = texts or {
        "m1": "As a mentor I enjoy time with {subject}.",
        "m2": "I keep my distance from this mentee.",
        "m3": "Mentees and I argue.",
        "m4": "The mentee clings to the mentor.",
    }
    return {
        "id": "mentoring",
        "label": "Mentoring",
        "description": "Mentoring programmes.",
        "domain": "relscale_mentoring",
        "locale_dir": str(locale_dir),
        "professional": {"id": "mentor", "label": "mentor", "plural": "mentors"},
        "client": {"id": "mentee", "label": "mentee", "plural": "mentees"},
        "offerings": [_offering(texts, "Think of one mentee.")],
    }


def make_registry(tmp: Path, target_texts: dict[str, str] | None = None) -> Registry:
    reg = Registry()
    reg.add("instrument", instrument_dict(domain="relscale_mini",
                                          locale_dir=str(tmp / "mini")), "test")
    reg.add("sector", education_dict(tmp / "education"), "test")
    reg.add("sector", target_dict(tmp / "mentoring", target_texts), "test")
    reg.check()
    return reg


def write_entries(path: Path, domain: str, locale: str,
                  entries: dict[tuple[str | None, str], str], fuzzy: tuple[str, ...] = ()) -> None:
    """A PO file from ``{(context, msgid): msgstr}``; contexts in ``fuzzy`` get the flag."""
    catalog = Catalog(locale=locale, domain=domain, fuzzy=False)
    for (context, msgid), msgstr in entries.items():
        flags = ("fuzzy",) if context in fuzzy else ()
        catalog.add(msgid, msgstr, context=context, flags=flags)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        write_po(fh, catalog)


def read(path: Path) -> Catalog:
    with open(path, "rb") as fh:
        return read_po(fh)


def education_nl(tmp: Path, roles: bool = True) -> None:
    entries: dict[tuple[str | None, str], str] = {
        (k, EDU_TEXTS[k]): v for k, v in EDU_NL.items()
    }
    entries[("mini.professional|instructions", "Think of one student.")] = (
        "Denk aan één leerling."
    )
    if roles:
        entries.update({
            ("role.teacher|label", "teacher"): "leerkracht",
            ("role.teacher|plural", "teachers"): "leerkrachten",
            ("role.student|label", "student"): "leerling",
            ("role.student|plural", "students"): "leerlingen",
        })
    write_entries(tmp / "education/nl/LC_MESSAGES/relscale_education.po",
                  "relscale_education", "nl", entries)


def mentoring_nl_roles(tmp: Path, extra: dict[tuple[str | None, str], str] | None = None) -> None:
    entries = {
        ("role.mentor|label", "mentor"): "begeleider",
        ("role.mentor|plural", "mentors"): "begeleiders",
        ("role.mentee|label", "mentee"): "deelnemer",
        ("role.mentee|plural", "mentees"): "deelnemers",
        **(extra or {}),
    }
    write_entries(tmp / "mentoring/nl/LC_MESSAGES/relscale_mentoring.po",
                  "relscale_mentoring", "nl", entries)
