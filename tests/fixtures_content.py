"""Small, hand-made content for tests that must not depend on the shipped item bank."""

from __future__ import annotations

from typing import Any


def instrument_dict(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "mini",
        "version": "1.0",
        "title": "Mini instrument",
        "description": "Two dimensions, for tests.",
        "framework": "relationship_quality",
        "perspectives": ["professional"],
        "scale": {
            "id": "five",
            "points": [{"value": v, "label": f"point {v}"} for v in range(1, 6)],
        },
        "dimensions": [
            {
                "id": "warmth",
                "label": "Warmth",
                "description": "Warm.",
                "framework": "relationship_quality",
                "favourable": "high",
            },
            {
                "id": "friction",
                "label": "Friction",
                "description": "Friction.",
                "framework": "relationship_quality",
                "favourable": "low",
            },
        ],
        "items": [
            {"id": "m1", "perspective": "professional", "dimension": "warmth", "keying": "+",
             "intent": "Warmth one."},
            {"id": "m2", "perspective": "professional", "dimension": "warmth", "keying": "-",
             "intent": "Warmth two, reversed."},
            {"id": "m3", "perspective": "professional", "dimension": "friction", "keying": "+",
             "intent": "Friction one."},
            {"id": "m4", "perspective": "professional", "dimension": "friction", "keying": "+",
             "intent": "Friction two."},
        ],
    }
    data.update(overrides)
    return data


def sector_dict(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "test_sector",
        "label": "Test sector",
        "description": "A sector for tests.",
        "domain": "relscale_test_sector",
        "professional": {"id": "mentor", "label": "mentor", "plural": "mentors"},
        "client": {"id": "mentee", "label": "mentee", "plural": "mentees"},
        "offerings": [
            {
                "instrument": "mini",
                "perspective": "professional",
                "instructions": "Think of one mentee.",
                "items": [
                    {"item": "m1", "text": "I like {subject}.", "provenance": "added",
                     "rationale": "r", "dimension": "warmth", "keying": "+", "intent": "i"},
                ],
            }
        ],
    }
    data.update(overrides)
    return data


def mini_sector_dict() -> dict[str, Any]:
    """A valid sector wording every slot of ``mini``, one dropped."""
    return sector_dict(
        offerings=[
            {
                "instrument": "mini",
                "perspective": "professional",
                "instructions": "Think of one mentee.",
                "items": [
                    {"item": "m1", "text": "I enjoy time with {subject}.",
                     "provenance": "reworded", "rationale": "Context."},
                    {"item": "m2", "text": "I keep my distance from {subject}.",
                     "provenance": "terms_substituted", "rationale": "Roles."},
                    {"item": "m3", "text": "We argue.", "provenance": "unchanged",
                     "rationale": "Fits."},
                    {"item": "m4", "provenance": "dropped", "rationale": "Does not fit."},
                    {"item": "x1", "text": "We clash about rules.", "provenance": "added",
                     "rationale": "Rules matter here.", "dimension": "friction",
                     "keying": "+", "intent": "Friction about rules."},
                ],
            }
        ]
    )
