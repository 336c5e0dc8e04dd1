"""What a check measured, before scoring turns it into a number.

Checks say *what they saw*; ``scoring.py`` alone decides what that is worth (SPEC §4), so
thresholds change in one place and every score can be explained the same way.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Density:
    """Problems per thousand lines; the score falls linearly to 0 at ``zero_at`` per kLOC."""

    count: int
    lines: int
    noun: str  # "print() calls"
    zero_at: float = 5.0


@dataclass(frozen=True)
class Count:
    """Problems that each matter whatever the code base's size (a production secret with a
    literal fallback): every one halves the score, so one real problem is never 98%."""

    count: int
    noun: str


@dataclass(frozen=True)
class Ratio:
    """A value against a target (coverage 55% of a 70% target scores 0.79)."""

    value: float
    target: float
    label: str  # "line coverage"
    unit: str = "%"


@dataclass(frozen=True)
class Presence:
    """Something is there or not."""

    found: bool
    what: str  # "a secrets manager"


@dataclass(frozen=True)
class Share:
    """``good`` of ``total`` items have the property; n/a when there is nothing to examine."""

    good: int
    total: int
    noun: str  # "HTTP calls"
    good_label: str  # "have a timeout"


@dataclass(frozen=True)
class NotApplicable:
    reason: str


@dataclass(frozen=True)
class Unknown:
    """The check applies but its data is missing (no coverage data): left out of scores, never 0%.

    ``reason`` says how to provide the data."""

    reason: str


@dataclass(frozen=True)
class Errored:
    reason: str


Measure = Density | Count | Ratio | Presence | Share | NotApplicable | Unknown | Errored
