"""How close an item's wording is to sentences a researcher may not reproduce.

``relscale plugin check --against FILE`` and :func:`similar_items` compare every item of a
sector, in every language it ships, with a user-supplied list of sentences (typically the
items of a licensed instrument) and list the pairs whose similarity reaches
:data:`THRESHOLD`. relscale ships no such list: the sentences are the user's.

The comparison is lexical, so it catches copies, near-copies and a copied frame with a
word or two swapped, not a paraphrase with new words. Both texts are first normalized:

- lower case, accents dropped (``cliënt`` = ``client``), contractions spelled out
  (``don't`` -> ``do not``);
- the placeholder ``{subject}``, a blank (``___``) and every **role noun or third-person
  pronoun** (teacher, student, child, therapist, mentor, ..., he, she, they; Dutch leerkracht,
  leerling, kind, juf, meester, begeleider, ..., hij, zij) become the same token, so "this
  child" and "this student" compare as equal;
- **negation-insensitive**: negation words (not, no, never, ...; niet, geen, nooit, ...) are
  dropped (with the "do" of "do not"), and a word that is another word of the pair with a
  negating prefix (``disagree`` / ``agree``, ``unfair`` / ``fair``, ``oneens`` / ``eens``)
  counts as that word, so adding or removing a negation does not hide a copy.

Three measures, each between 0 and 1:

``tokens``
    Dice overlap of the content words (function words dropped, crude suffix stemming:
    ``struggling`` = ``struggle``, ``werkt`` = ``werken``).
``phrases``
    Dice overlap of the word pairs (bigrams) of the whole sentence, function words
    included: shared phrases such as "look forward to" or "how to go about".
``characters``
    Dice overlap of the character 4-grams of the normalized text, robust to inflection and
    compounding.

The pair's ``score`` is the mean of the three, so that no single measure on a short
sentence (two shared words of five) decides alone; a pair is listed when it reaches
:data:`THRESHOLD`, 0.4. Calibration (docs/content.md, "Checking against licensed wording"):
a sentence with a role noun swapped or a negation added scores 0.75 to 1.0, a copied frame
with one or two words swapped 0.55 to 0.9, a copied first clause ("I feel ___ is on my side")
0.43; relscale's 0.3 items against a held list of 140 published sentences score at most
0.39, with a median of 0.08 (the best match per item).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _
from relscale.plugin_kit.problem import Problem

if TYPE_CHECKING:
    from relscale.model.models import Sector
    from relscale.registry import Registry

THRESHOLD = 0.4
"""A pair at or above this score is listed (the module docstring gives the calibration)."""
CHAR_N = 4
MIN_SHARED_WORDS = 2
"""The word measure counts only pairs sharing at least this many content words: one
shared word ("listen", "help") between two short sentences says nothing."""
PERSON = "x"
"""The token every role noun, pronoun, name placeholder and blank becomes."""

_ROLE_WORDS = {
    # English
    "teacher", "teachers", "student", "students", "pupil", "pupils", "child", "children",
    "kid", "kids", "client", "clients", "therapist", "therapists", "counselor", "counsellor",
    "mentor", "mentors", "mentee", "coach", "worker", "workers", "caregiver", "caregivers",
    "carer", "carers", "parent", "parents", "person", "people", "professional", "youth",
    "he", "she", "him", "her", "his", "hers", "they", "them", "their", "theirs", "himself",
    "herself", "themselves", "themself", "s/he", "someone",
    # Dutch
    "leerkracht", "leerkrachten", "leerling", "leerlingen", "kind", "kinderen", "juf",
    "juffen", "meester", "meesters", "docent", "docenten", "leraar", "leraren", "therapeut",
    "therapeuten", "hulpverlener", "hulpverleners", "jeugdhulpverlener",
    "jeugdhulpverleners", "begeleider", "begeleiders", "clienten", "jongere",
    "jongeren", "gezinshuisouder", "gezinshuisouders", "pleegouder", "pleegouders",
    "ouder", "ouders", "mentoren", "hij", "zij", "ze", "hem", "haar", "hen", "hun",
    "zichzelf", "hem/haar", "hij/zij", "iemand",
}
"""Role nouns and third-person pronouns, in English and Dutch (normalized: no accents)."""

_ALTERNATIVE = {"or", "of", "and/or", "en/of"}
_NEGATIONS = {
    "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without",
    "niet", "geen", "nooit", "niemand", "niets", "niks", "nergens", "zonder", "noch",
}
_NEGATING_PREFIXES = ("dis", "un", "in", "im", "non", "mis", "on", "niet")
_NEGATED_AUXILIARIES = {"do", "does", "did"}

_CONTRACTIONS = (
    (re.compile(r"\bcan't\b"), "can not"), (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bshan't\b"), "shall not"), (re.compile(r"n't\b"), " not"),
    (re.compile(r"'m\b"), " am"), (re.compile(r"'re\b"), " are"), (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"), (re.compile(r"'d\b"), " would"), (re.compile(r"'s\b"), ""),
)
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}|_{2,}|\u2026|\.{3,}")
_WORD = re.compile(r"[a-z0-9]+(?:/[a-z]+)?")

_STOPWORDS = {
    # English function words
    "a", "an", "the", "and", "or", "but", "if", "when", "while", "because", "so", "that",
    "this", "these", "those", "to", "of", "in", "on", "at", "for", "with", "by", "from",
    "about", "as", "into", "than", "then", "i", "me", "my", "mine", "myself", "we", "us",
    "our", "you", "your", "it", "its", "is", "am", "are", "was", "were", "be", "been",
    "being", "do", "does", "did", "have", "has", "had", "will", "would", "can", "could",
    "shall", "should", "may", "might", "must", "what", "which", "who", "whom", "how", "why",
    "where", "there", "here", "each", "other", "some", "any", "all", "very", "really",
    "also", "even", "just", "more", "most", "much", "one", "up", "out", "get", "gets",
    "thing", "things", "something", "anything", "everything",
    # Dutch function words
    "de", "het", "een", "en", "maar", "als", "dan", "dat", "die", "dit", "deze",
    "wat", "wie", "waar", "hoe", "om", "te", "van", "op", "aan", "met", "voor",
    "naar", "bij", "over", "uit", "door", "tot", "ik", "mij", "mijn", "wij",
    "ons", "onze", "je", "jij", "jou", "jouw", "u", "uw", "ben", "bent", "zijn",
    "waren", "heb", "hebt", "heeft", "hebben", "word", "wordt", "worden",
    "werd", "kan", "kun", "kunnen", "wil", "wilt", "willen", "zal", "zou", "moet", "mag",
    "er", "al", "ook", "nog", "wel", "erg", "heel", "echt", "zo", "toe", "mee",
    "iets", "dingen", "ding", "alles",
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """The normalized words of ``text``: lower case, no accents, contractions spelled out,
    every role noun, pronoun, placeholder and blank as :data:`PERSON` (negations kept)."""
    return list(_tokens(text))


@functools.lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    folded = _fold(text).replace("\u2019", "'")
    folded = _PLACEHOLDER.sub(f" {PERSON} ", folded)
    for pattern, replacement in _CONTRACTIONS:
        folded = pattern.sub(replacement, folded)
    words = _WORD.findall(folded)
    out: list[str] = []
    for word in words:
        token = PERSON if word in _ROLE_WORDS else word
        if token == PERSON and out and out[-1] == PERSON:
            continue  # "young person", "support worker": one person
        if token == PERSON and len(out) >= 2 and out[-2] == PERSON and out[-1] in _ALTERNATIVE:
            out.pop()  # "juf of meester", "he or she": one person
            continue
        out.append(token)
    return tuple(out)


def stem(word: str) -> str:
    """A crude stem that makes inflected forms meet (English and Dutch suffixes)."""
    for suffix in ("ingly", "ing", "edly", "ed", "es", "en", "s", "ly", "t"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


_Candidates = tuple[tuple[int, tuple[str, ...]], ...]


@functools.lru_cache(maxsize=65536)
def _plain(words: tuple[str, ...]) -> tuple[tuple[str, ...], _Candidates]:
    """The words without negations (and the "do" of "do not"), and for each word that
    starts with a negating prefix its position and the words it may stand for."""
    out: list[str] = []
    for word in words:
        if word in _NEGATIONS:
            if out and out[-1] in _NEGATED_AUXILIARIES:
                out.pop()  # "do not agree" is "agree"
            continue
        out.append(word)
    candidates = tuple(
        (i, bases) for i, word in enumerate(out)
        if (bases := tuple(word[len(p):] for p in _NEGATING_PREFIXES
                           if word.startswith(p) and len(word) - len(p) >= 3)))
    return tuple(out), candidates


def _denegate(words: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """Negation words dropped; a word that is a word of ``other`` behind a negating prefix
    counts as that word (``disagree`` -> ``agree`` when the other text says ``agree``)."""
    out, candidates = _plain(words)
    if not candidates:
        return out
    seen = set(_plain(other)[0])
    mapped = list(out)
    for i, bases in candidates:
        for base in bases:
            if base in seen:
                mapped[i] = base
                break
    return tuple(mapped)


def _dice(a: frozenset[str] | frozenset[tuple[str, str]],
          b: frozenset[str] | frozenset[tuple[str, str]]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def _grams(text: str, n: int = CHAR_N) -> set[str]:
    padded = f" {text} "
    return {padded[i:i + n] for i in range(max(1, len(padded) - n + 1))}


@dataclass(frozen=True)
class Similarity:
    """The three measures of one pair and their maximum, ``score``."""

    tokens: float
    phrases: float
    characters: float

    @property
    def score(self) -> float:
        return round((self.tokens + self.phrases + self.characters) / 3, 3)


def similarity(a: str, b: str) -> Similarity:
    """How similar two sentences are (module docstring: normalization and measures)."""
    ta, tb = _tokens(a), _tokens(b)
    content_a, pairs_a, grams_a = _parts(_denegate(ta, tb))
    content_b, pairs_b, grams_b = _parts(_denegate(tb, ta))
    shared = content_a & content_b
    words = _dice(content_a, content_b) if len(shared) >= MIN_SHARED_WORDS else 0.0
    chars = _dice(grams_a, grams_b) if content_a and content_b else 0.0
    return Similarity(tokens=round(words, 3), phrases=round(_dice(pairs_a, pairs_b), 3),
                      characters=round(chars, 3))


@functools.lru_cache(maxsize=65536)
def _parts(words: tuple[str, ...]) -> tuple[frozenset[str], frozenset[tuple[str, str]],
                                            frozenset[str]]:
    """The content stems, the word pairs with a content word, and the character 4-grams of
    the content words (cached: a text meets every sentence of the list)."""
    content = [stem(w) for w in words if _content(w)]
    pairs = frozenset(p for p in itertools.pairwise(words) if _content(p[0]) or _content(p[1]))
    return frozenset(content), pairs, frozenset(_grams(" ".join(content)))


def _content(word: str) -> bool:
    return word != PERSON and word not in _STOPWORDS


@dataclass(frozen=True)
class Sentence:
    """One sentence of the user's list, with its line number."""

    line: int
    text: str


def read_sentences(path: Path) -> list[Sentence]:
    """The sentences of a plain-text file: one per line; empty lines and lines starting
    with ``#`` are skipped. UTF-8 (a byte-order mark is allowed). A file that cannot be
    read, is not UTF-8 or holds no sentence is a :class:`RelscaleError` naming it (and the
    line)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RelscaleError(_("{path}: cannot read the sentences ({reason})").format(
            path=path, reason=exc.strerror or exc)) from None
    sentences: list[Sentence] = []
    for n, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").splitlines(), start=1):
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise RelscaleError(_("{path}: line {line} is not UTF-8 text").format(
                path=path, line=n)) from None
        if line and not line.startswith("#"):
            sentences.append(Sentence(n, line))
    if not sentences:
        raise RelscaleError(_("{path}: no sentences (one per line; a line starting with # "
                              "is a comment)").format(path=path))
    return sentences


@dataclass(frozen=True)
class Text:
    """A text relscale shows, with where it comes from."""

    where: str
    """e.g. ``education · working_alliance/client · wac03 · nl``."""
    text: str


@dataclass(frozen=True)
class Match:
    """A text of the item bank close to a sentence of the list."""

    text: Text
    sentence: Sentence
    similarity: Similarity

    @property
    def score(self) -> float:
        return self.similarity.score


def matches(texts: Iterable[Text], sentences: Sequence[Sentence],
            threshold: float = THRESHOLD) -> list[Match]:
    """Every (text, sentence) pair whose score reaches ``threshold``, highest first."""
    found = []
    for text in texts:
        for sentence in sentences:
            sim = similarity(text.text, sentence.text)
            if sim.score >= threshold:
                found.append(Match(text, sentence, sim))
    return sorted(found, key=lambda m: (-m.score, m.text.where, m.sentence.line))


def sector_texts(sector: Sector, registry: Registry) -> list[Text]:
    """Every item of ``sector`` (each offered instrument perspective) in English and in
    every locale the sector ships a catalog for."""
    from relscale.adapt import adapt
    from relscale.plugin_kit.contract import offered
    from relscale.plugin_kit.contract_locales import sector_locales

    texts: list[Text] = []
    for locale in sector_locales(sector):
        for inst, perspective in offered(sector, registry):
            try:
                adapted = adapt(inst.id, sector.id, perspective, locale, registry=registry)
            except RelscaleError:
                continue  # the contract check reports it
            texts += [Text(f"{sector.id} · {inst.id}/{perspective} · {item.id} · {locale}",
                           item.text) for item in adapted.items]
    return texts


def similar_items(sentences: Sequence[Sentence], registry: Registry | None = None, *,
                  sectors: Iterable[str] = (), threshold: float = THRESHOLD) -> list[Match]:
    """Every item of the registered sectors (or of ``sectors``), in every language, whose
    wording reaches ``threshold`` against one of ``sentences``, highest first::

        from relscale.plugin_kit.similarity import read_sentences, similar_items
        for m in similar_items(read_sentences(Path("licensed.txt"))):
            print(m.score, m.text.where, m.sentence.line)
    """
    if registry is None:
        from relscale.plugins import get_registry

        registry = get_registry()
    wanted = list(sectors) or list(registry.sectors)
    texts = [t for s in wanted for t in sector_texts(registry.sector(s), registry)]
    return matches(texts, sentences, threshold)


def check_against(sector: Sector, registry: Registry, sentences: Sequence[Sentence],
                  source: str, threshold: float = THRESHOLD) -> list[Problem]:
    """:func:`similar_items` for one sector, as plugin-check problems naming the sector
    file, the item and the line of ``source`` (the user's file of sentences)."""
    from relscale.plugin_kit.contract import sector_file

    def num(value: float) -> str:
        return f"{value:.2f}"

    return [Problem(sector_file(sector), m.text.where, _(
        "{score} similar to line {line} of {source} (words {tokens}, phrases {phrases}, "
        "characters {characters}; threshold {threshold}): {text!r}")
        .format(score=num(m.score), line=m.sentence.line, source=source,
                tokens=num(m.similarity.tokens), phrases=num(m.similarity.phrases),
                characters=num(m.similarity.characters), threshold=num(threshold),
                text=m.text.text))
        for m in matches(sector_texts(sector, registry), sentences, threshold)]
