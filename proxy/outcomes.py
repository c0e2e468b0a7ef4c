"""The outcomes of a shadow comparison and the parity percentages computed from them — one definition
for the store's stats, the dashboard's history and the CLI's verdicts."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from proxy.parity.types import ParityResult

__all__ = ["COMPARED", "EQUAL", "Outcome", "outcome_of", "parity_percentages"]


class Outcome(enum.StrEnum):
    MATCH = "match"  # identical, as compared
    EQUIVALENT = "equivalent"  # the same items; only those with equal sort keys are arranged otherwise
    NOISE = "noise"  # differences only in fields where WordPress differs from itself
    MISMATCH = "mismatch"
    ERROR = "error"  # the service could not be asked
    SKIPPED = "skipped"  # not compared (e.g. WordPress's answer too large)
    #: the service declined the request (503 + X-Strangler-Unavailable): WordPress answers it in every
    #: mode, so it is not a difference (not compared; shown, so that a team sees what stays on WordPress)
    DECLINED = "declined"


#: outcomes where both answers were compared
COMPARED = (Outcome.MATCH, Outcome.EQUIVALENT, Outcome.NOISE, Outcome.MISMATCH)
#: compared outcomes that count as equal, for the match % and the cutover gate: neither tie order nor
#: WordPress's own randomness is something the service could reproduce
EQUAL = (Outcome.MATCH, Outcome.EQUIVALENT, Outcome.NOISE)


def outcome_of(result: ParityResult) -> Outcome:
    if not result.match:
        return Outcome.MISMATCH
    if result.equivalent:
        return Outcome.EQUIVALENT
    return Outcome.NOISE if result.noise else Outcome.MATCH


def parity_percentages(outcomes: Mapping[str, int], digits: int | None = 3) -> dict[str, Any]:
    """``compared``, and ``match_percent`` (every equal outcome), ``noise_percent`` and
    ``equivalent_percent`` of the compared answers (None when nothing was compared). ``digits``: rounded
    for display; None for a gate, where 99.8996 must not pass as 99.9."""
    compared = sum(outcomes.get(o, 0) for o in COMPARED)

    def percent(part: int) -> float | None:
        if not compared:
            return None
        value = 100 * part / compared
        return value if digits is None else round(value, digits)

    return {
        "compared": compared,
        "match_percent": percent(sum(outcomes.get(o, 0) for o in EQUAL)),
        "noise_percent": percent(outcomes.get(Outcome.NOISE, 0)),
        "equivalent_percent": percent(outcomes.get(Outcome.EQUIVALENT, 0)),
    }
