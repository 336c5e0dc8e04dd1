"""Which of the checks' literal needles a file's text holds, found in one pass over it.

Every per-file check names needles, and a file holding none of a check's needles skips that
check. Testing ``needle in text`` needle by needle scans the whole text once for every absent
needle: a few hundred scans of every file, a seventh of a cold scan's time. An Aho-Corasick
automaton finds all of them in one scan; one-character needles are left to ``in``, which stops
at their first occurrence, instead of being reported at every one.
"""

from __future__ import annotations

import bisect
from typing import Callable, Iterable

try:
    import ahocorasick
except ImportError:  # a platform without its wheel and no compiler: the plain search, same answers
    ahocorasick = None

Finder = Callable[[str], set[str]]
_FINDERS: dict[frozenset[str], Finder] = {}


def present(needles: Iterable[str], text: str) -> set[str]:
    """The needles that occur in ``text``."""
    wanted = frozenset(needles)
    finder = _FINDERS.get(wanted)
    if finder is None:
        finder = _FINDERS[wanted] = finder_for(wanted, use_automaton=ahocorasick is not None)
    return finder(text)


def finder_for(needles: frozenset[str], *, use_automaton: bool) -> Finder:
    short = tuple(n for n in needles if len(n) <= 1)
    long = [n for n in needles if len(n) > 1]
    if not use_automaton or not long:
        return lambda text: {n for n in needles if n in text}
    automaton = ahocorasick.Automaton()
    for needle in long:
        automaton.add_word(needle, needle)
    automaton.make_automaton()

    def find(text: str) -> set[str]:
        found = {needle for _, needle in automaton.iter(text)}
        found.update(n for n in short if n in text)
        return found

    return find


# The only characters outside ASCII that a case-ignoring pattern matches to an ASCII letter
# (dotted and dotless I, the Kelvin sign, the long s).
FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u212a", "\u017f")


def may_match_ignoring_case(text: str, words: Iterable[str]) -> bool:
    """False only when no case-ignoring pattern can find any of these lowercase ASCII words in
    ``text``: a cheap test before running such patterns over a large document."""
    lowered = text.lower()
    if any(word in lowered for word in words):
        return True
    return not text.isascii() and any(char in text for char in FOLDS_TO_ASCII)


def spans(text: str, words: Iterable[str]) -> tuple[list[int], list[int]] | None:
    """(starts, ends) of every occurrence of the lowercase ASCII words in ``text``, ignoring case, in
    order of start. None when the text holds a character a case-ignoring pattern matches to an ASCII
    letter: lowering changes no other character's length (only the dotted capital I's), so offsets agree."""
    if not text.isascii() and any(char in text for char in FOLDS_TO_ASCII):
        return None
    lowered = text.lower()
    found: list[tuple[int, int]] = []
    for word in words:
        at = lowered.find(word)
        while at >= 0:
            found.append((at, at + len(word)))
            at = lowered.find(word, at + 1)
    found.sort()
    return [s for s, _ in found], [e for _, e in found]


def holds_span(found: tuple[list[int], list[int]], start: int, end: int) -> bool:
    """Whether an occurrence found by ``spans`` lies wholly within ``start:end``."""
    starts, ends = found
    index = bisect.bisect_left(starts, start)
    while index < len(starts) and starts[index] < end:
        if ends[index] <= end:
            return True
        index += 1
    return False
