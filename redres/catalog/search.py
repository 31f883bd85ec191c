"""Search for Chinese users: Chinese n-grams, pinyin (full and initials) and English words.

Each site's searchable text is broken into terms stored in `SearchTerm`:
- `zh`: every single character and character bigram of the name, aliases, address and story
  titles, so two-character queries (八七, 五大, 农讲) are an indexed equality lookup;
- `py` / `in`: the full pinyin and the initials of the name and aliases, from each syllable on,
  so `baqi` and `bqhy` are indexed prefix ranges (binary collation on every engine);
- `en`: the English name from each word on, and the registry code.

The index only finds candidates; `rank()` then checks the real text and orders the hits
exact name > name prefix > contains > story text, identically on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import add

from pypinyin import Style
from pypinyin.constants import RE_HANS
from pypinyin.core import Pinyin
from pypinyin.seg.mmseg import seg as _MMSEG

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NON_CJK_RUN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
_LATIN_JUNK = re.compile(r"[^0-9a-z]+")
_ZH_JUNK = re.compile(
    r"[\s\x00-\x1f\x7f\u3000-\u303f\uff00-\uff0f\uff1a-\uff20()\[\]\"'“”‘’·,.;:!?/\\-]+"
)
"""Spaces, control characters and punctuation: never part of a Chinese search term (nor of
an FTS5 token, where a control character would split it)."""

RANK_EXACT, RANK_PREFIX, RANK_CONTAINS, RANK_STORY = 0, 1, 2, 3
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True, slots=True)
class SearchText:
    """The text of one site that search looks at."""

    name: str
    aliases: Sequence[str] = ()
    name_en: str | None = None
    address: str | None = None
    code: str | None = None
    story_titles: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Query:
    """A normalised query: the Chinese form, or the Latin form for pinyin/English."""

    zh: str
    latin: str

    @property
    def is_chinese(self) -> bool:
        """Chinese queries match n-grams; others match pinyin and English prefixes."""
        return bool(_CJK.search(self.zh))


def parse_query(q: str) -> Query | None:
    """Normalise a user query, or None when nothing searchable is left."""
    q = unicodedata.normalize("NFKC", q)[:MAX_QUERY_LENGTH].lower()
    zh = _ZH_JUNK.sub("", q)
    latin = _LATIN_JUNK.sub("", q)
    query = Query(zh=zh, latin=latin)
    if not query.is_chinese and not latin:
        return None  # only symbols (%%%, ###): nothing an index term could match
    return query


def index_terms(text: SearchText) -> set[tuple[str, str]]:
    """The (kind, term) pairs under which a site can be found.

    Every character and bigram with a Chinese character in it (`zh`); the full pinyin and the
    initials from each syllable on (`py`, `in`); the English name from each word on and the
    registry code (`en`).
    """
    return {(kind, term) for kind, terms in terms_by_kind(text) for term in terms}


def terms_by_kind(text: SearchText) -> tuple[tuple[str, set[str]], ...]:
    """`index_terms` grouped by kind, as a large import stores them (loops kept plain)."""
    grams: set[str] = set()
    for field in (text.name, *text.aliases, text.address or "", *text.story_titles):
        _add_zh_grams(_zh_norm(field), grams)
    py: set[str] = set()
    initial: set[str] = set()
    for name in (text.name, *text.aliases):
        parts = syllables(name)
        full = "".join(parts)
        initials = "".join(s[0] for s in parts)
        pos = 0
        for i, part in enumerate(parts):
            py.add(full[pos : pos + 200])
            initial.add(initials[i : i + 200])
            pos += len(part)
    en: set[str] = set()
    if text.name_en:
        words = [w for w in _LATIN_JUNK.split(text.name_en.lower()) if w]
        en.update("".join(words[i:])[:200] for i in range(len(words)))
    if text.code and (code := _latin_norm(text.code)):
        en.add(code)
    return (("zh", grams), ("py", py), ("in", initial), ("en", en))


def _add_zh_grams(norm: str, grams: set[str]) -> None:
    """Add the characters and bigrams of `norm` that hold a Chinese character.

    Written with C-level set and regex operations (a large import runs it on every name and
    address): all bigrams, less those inside runs without a Chinese character.
    """
    grams.update(_CJK.findall(norm))
    pairs = set(map(add, norm, norm[1:]))
    for run in _NON_CJK_RUN.findall(norm):
        pairs.difference_update(map(add, run, run[1:]))
    grams |= pairs


def query_grams(query: Query) -> list[str]:
    """The `zh` terms a site must have to contain a Chinese query.

    Only bigrams with a Chinese character are indexed, so the others (`13` and `39` of
    `鄱阳街139号`) are left to `rank`, which checks the whole query against the text.

    Examples
    --------
    >>> query_grams(parse_query("街139号"))
    ['9号', '街1']
    """
    norm = query.zh
    if len(norm) == 1:
        return [norm]
    grams: set[str] = set()
    _add_zh_grams(norm, grams)
    return sorted(g for g in grams if len(g) == 2)


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` (ASCII terms)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def rank(query: Query, text: SearchText) -> int | None:
    """How well a site matches: 0 exact name, 1 prefix, 2 contains, 3 story text; None if not."""
    best: int | None = None
    if query.is_chinese:
        for name in (text.name, *text.aliases):
            best = _better(best, _position(query.zh, _zh_norm(name)))
        if text.address and query.zh in _zh_norm(text.address):
            best = _better(best, RANK_CONTAINS)
        if any(query.zh in _zh_norm(t) for t in text.story_titles):
            best = _better(best, RANK_STORY)
        return best
    if not query.latin:
        return None
    for name in (text.name, *text.aliases):
        parts = syllables(name)
        full = "".join(parts)
        initials = "".join(s[0] for s in parts)
        best = _better(best, _position(query.latin, full, syllable_starts=_starts(parts)))
        best = _better(best, _position(query.latin, initials, syllable_starts=range(len(initials))))
    if text.name_en:
        words = [w for w in _LATIN_JUNK.split(text.name_en.lower()) if w]
        best = _better(best, _position(query.latin, "".join(words), syllable_starts=_starts(words)))
    if text.code:
        best = _better(best, _position(query.latin, _latin_norm(text.code), syllable_starts=()))
    return best


def _position(q: str, text: str, *, syllable_starts: Iterable[int] | None = None) -> int | None:
    """Exact, prefix, or contained (anywhere, or only at the given word/syllable starts)."""
    if not text or not q:
        return None
    if text == q:
        return RANK_EXACT
    if text.startswith(q):
        return RANK_PREFIX
    if syllable_starts is None:
        return RANK_CONTAINS if q in text else None
    return RANK_CONTAINS if any(text.startswith(q, i) for i in syllable_starts) else None


def _better(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def _starts(parts: Sequence[str]) -> list[int]:
    out, pos = [], 0
    for s in parts:
        out.append(pos)
        pos += len(s)
    return out


def is_all_chinese(text: str) -> bool:
    """Whether every character of `text` is a Chinese character (and there is one)."""
    return bool(text) and all(_CJK.match(c) for c in text)


def syllables(text: str) -> tuple[str, ...]:
    """A name's pinyin syllables (Latin runs kept as one chunk), lower case, ü as v.

    Examples
    --------
    >>> syllables("八七会议会址")
    ('ba', 'qi', 'hui', 'yi', 'hui', 'zhi')
    """
    return _syllables_cached(_zh_norm(text))


@lru_cache(maxsize=131_072)
def _syllables_cached(text: str) -> tuple[str, ...]:
    """`lazy_pinyin` of `text`, by the same steps (runs of Chinese characters cut into words by
    pypinyin's maximum matching, each word converted) without its per-call plumbing, and with
    each word's syllables remembered: names are all different, their words are not."""
    out: list[str] = []
    for run in _HANZI_OR_NOT.findall(text):
        if _HANZI_RUN.match(run):
            for word in _MMSEG.cut(run):
                out.extend(_word_syllables(word))
        elif norm := _syllable_norm(run):
            out.append(norm)
    return tuple(out)


@lru_cache(maxsize=65_536)
def _word_syllables(word: str) -> tuple[str, ...]:
    # pypinyin converts a word afresh each time (~0.2 ms a name); the answer depends on the
    # word only, and a registry's names share most of their words
    converted = _PINYIN.lazy_pinyin([word], style=Style.NORMAL, errors=_keep_unknown)
    return tuple(n for n in map(_syllable_norm, converted) if n)


@lru_cache(maxsize=8192)
def _syllable_norm(chunk: str) -> str:
    """A pinyin syllable (or Latin run) in index form; a few hundred syllables cover Chinese."""
    return _latin_norm(chunk.replace("ü", "v"))


def _keep_unknown(chars: str) -> str:
    # pypinyin hands over runs of non-Chinese text; keep them as one Latin chunk
    return chars


_PINYIN = Pinyin()
_HANZI = RE_HANS.pattern.removeprefix("^(?:").removesuffix(")+$")
_HANZI_RUN = re.compile(_HANZI)
_HANZI_OR_NOT = re.compile(f"{_HANZI}+|[^{_HANZI[1:]}+")
"""Runs of characters with and without pinyin, split as pypinyin's `simple_seg` splits them."""


def _zh_norm(text: str) -> str:
    return _ZH_JUNK.sub("", unicodedata.normalize("NFKC", text).lower())


def _latin_norm(text: str) -> str:
    return _LATIN_JUNK.sub("", unicodedata.normalize("NFKC", text).lower())
