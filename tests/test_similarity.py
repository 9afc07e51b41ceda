"""``relscale plugin check --against FILE``: items that come too close to sentences a user
may not reproduce. relscale ships no published items: every "published" sentence here is
invented for the test (or made from relscale's own items, to show what a near-copy does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import runner
from relscale.cli.main import app
from relscale.errors import RelscaleError
from relscale.plugin_kit.similarity import (
    THRESHOLD,
    Sentence,
    read_sentences,
    similar_items,
    similarity,
    tokens,
)

# (an invented "licensed" sentence, a near-copy of it) -> listed
NEAR_COPIES = [
    # a role noun swapped ("pupil" / "child", "mentor" / the name placeholder)
    ("This pupil and I share a joke now and then.", "This child and I share a joke now and then."),
    ("I look forward to our walks with my mentor.", "I look forward to our walks with {subject}."),
    # a negation added, or an antonym prefix: agree / disagree, fair / unfair
    ("Kim and I agree on the plan for the week.",
     "{subject} and I disagree on the plan for the week."),
    ("My coach treats me fairly in every game.",
     "{subject} does not treat me fairly in every game."),
    # Dutch, with "oneens" for "eens" and "nooit" added
    ("Ik ben het eens met mijn mentor over de aanpak.",
     "Ik ben het oneens met {subject} over de aanpak."),
    ("Mijn coach en ik kijken samen naar mijn doelen.",
     "{subject} en ik kijken nooit samen naar mijn doelen."),
    # one word swapped in a frame, and inflected forms
    ("The struggles between this child and me wear me out.",
     "Struggling between this student and me wears me out."),
]
# same construct, different words -> not listed
DIFFERENT = [
    ("My teacher knows what food I like.", "{subject} helps me with my homework."),
    ("I listen to music with my mentor.", "{subject} listens to me."),  # one shared word
    ("This child cries when I leave the room.", "This student checks with me before starting."),
    ("Ik vertel mijn coach over mijn weekend.", "{subject} en ik lachen samen."),
]


@pytest.mark.parametrize(("licensed", "item"), NEAR_COPIES)
def test_near_copies_reach_the_threshold(licensed: str, item: str) -> None:
    assert similarity(licensed, item).score >= THRESHOLD, similarity(licensed, item)


@pytest.mark.parametrize(("licensed", "item"), DIFFERENT)
def test_different_wording_stays_below_it(licensed: str, item: str) -> None:
    assert similarity(licensed, item).score < THRESHOLD, similarity(licensed, item)


def test_negation_does_not_hide_a_copy() -> None:
    licensed = "My mentor and I agree on the plan."
    plain = similarity(licensed, "{subject} and I agree on the plan.")
    negated = similarity(licensed, "{subject} and I do not agree on the plan.")
    prefixed = similarity(licensed, "{subject} and I disagree on the plan.")
    assert plain.score == negated.score == prefixed.score == 1.0
    # the prefix rule only fires against the other text: "understand" stays "understand"
    assert tokens("I understand it") == ["i", "understand", "it"]
    assert similarity("I understand it all.", "I stand it all.").tokens < 1.0


def test_the_measures_are_symmetric_and_bounded() -> None:
    for a, b in NEAR_COPIES + DIFFERENT:
        one, two = similarity(a, b), similarity(b, a)
        assert one == two
        assert 0.0 <= one.score <= 1.0


def test_read_sentences(tmp_path: Path) -> None:
    path = tmp_path / "held.txt"
    path.write_bytes("\ufeff# licensed items\n\nFirst sentence.\n  # indented comment\n"
                     "Second sentence.\n".encode())
    assert read_sentences(path) == [Sentence(3, "First sentence."),
                                    Sentence(5, "Second sentence.")]
    (tmp_path / "bad.txt").write_bytes(b"ok\n\xff\xfe not text\n")
    with pytest.raises(RelscaleError, match=r"bad.txt: line 2 is not UTF-8"):
        read_sentences(tmp_path / "bad.txt")
    (tmp_path / "empty.txt").write_text("# only a comment\n")
    with pytest.raises(RelscaleError, match="no sentences"):
        read_sentences(tmp_path / "empty.txt")
    with pytest.raises(RelscaleError, match="cannot read"):
        read_sentences(tmp_path / "missing.txt")


def _held(tmp_path: Path) -> Path:
    """Two invented 'licensed' sentences made from relscale's own items: education's rq01
    (English) with another role noun and a negation, and wac16 (Dutch) with 'nooit'."""
    path = tmp_path / "held.txt"
    path.write_text("# invented for the test\n"
                    "This pupil and I have nothing we laugh about together.\n"
                    "Een zin die op geen enkel item lijkt, over het weer van morgen.\n"
                    "Mijn mentor en ik kijken nooit samen hoe ver ik ben met mijn doelen.\n",
                    encoding="utf-8")
    return path


def test_similar_items_in_every_language(tmp_path: Path) -> None:
    found = similar_items(read_sentences(_held(tmp_path)), sectors=["education"])
    where = {(m.text.where, m.sentence.line) for m in found}
    assert ("education · relationship_quality/professional · rq01 · en", 2) in where
    assert ("education · working_alliance/client · wac16 · nl", 4) in where
    assert not any(m.sentence.line == 3 for m in found)
    assert all(m.score >= THRESHOLD for m in found)
    assert found == sorted(found, key=lambda m: (-m.score, m.text.where, m.sentence.line))


def test_plugin_check_against_a_file(tmp_path: Path) -> None:
    held = _held(tmp_path)
    result = runner().invoke(app, ["plugin", "check", "education", "--no-build",
                                   "--against", str(held)])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if "similar to line" in line]
    assert any("rq01 · en" in line and "line 2 of" in line for line in lines), lines
    assert any("wac16 · nl" in line and "line 4 of" in line for line in lines), lines
    assert all("sector.toml" in line for line in lines)
    # a higher threshold lists fewer pairs; nothing reaches 1.01
    strict = runner().invoke(app, ["plugin", "check", "education", "--no-build",
                                   "--against", str(held), "--threshold", "1"])
    strict_lines = [line for line in strict.stdout.splitlines() if "similar to line" in line]
    assert len(strict_lines) < len(lines)


def test_plugin_check_against_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "held.txt"
    bad.write_bytes(b"\xff\xfe\x00")
    result = runner().invoke(app, ["plugin", "check", "education", "--no-build",
                                   "--against", str(bad)])
    assert result.exit_code != 0
    assert "held.txt: line 1 is not UTF-8" in result.output
    assert "Traceback" not in result.output
