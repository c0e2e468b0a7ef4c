"""When to restart a crashed component: the supervisor's pure core (no processes, no clock of its own).

A component has crashed when every one of its processes is recorded (so it was fully started and
nobody is stopping it: an intentional stop removes a record before it signals) and one of them no
longer runs. The first crash is restarted at once; a crash soon after a restart counts as a repeat
and waits longer each time (1 s, 2 s, 4 s … at most a minute), so a component that cannot start does
not spin; a component that stayed up for a while starts counting from the beginning again.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Backoff", "RestartRecord", "State", "state_of"]


class State(enum.Enum):
    RUNNING = "running"
    CRASHED = "crashed"
    #: not (fully) recorded: never started, being started or stopped on purpose
    STOPPED = "stopped"


def state_of(recorded: list[bool], running: list[bool]) -> State:
    """Per process of a component: whether it has a record, and whether that process runs."""
    if recorded and all(recorded):
        return State.RUNNING if all(running) else State.CRASHED
    return State.STOPPED


@dataclass(frozen=True)
class Backoff:
    initial: float = 1.0
    factor: float = 2.0
    maximum: float = 60.0
    #: a crash later than this after the last restart is a fresh one (the delay starts over)
    stable_after: float = 60.0

    def delay(self, repeats: int) -> float:
        return 0.0 if repeats == 0 else min(self.maximum, self.initial * self.factor ** (repeats - 1))


@dataclass
class RestartRecord:
    """What the supervisor knows of one component; kept as plain data in its state file."""

    restarts: int = 0
    failed_restarts: int = 0
    #: crashes in a row, each soon after the restart before it
    repeats: int = 0
    last_restart: float | None = None
    last_error: str | None = None
    #: when the current crash was seen, and when its restart is due (None while the component runs)
    crashed_at: float | None = None
    restart_due: float | None = None
    history: list[float] = field(default_factory=list)

    #: a restart of ours failed before the component was recorded again: we still owe it one
    owed: bool = False

    def observe(self, state: State, now: float, backoff: Backoff) -> bool:
        """Take one observation; True when the component should be restarted now."""
        if state is State.RUNNING or (state is State.STOPPED and not self.owed):
            self.crashed_at = self.restart_due = None
            self.owed = False
            return False
        if self.crashed_at is None:
            soon = self.last_restart is not None and now - self.last_restart < backoff.stable_after
            self.repeats = self.repeats + 1 if soon else 0
            self.crashed_at = now
            self.restart_due = now + backoff.delay(self.repeats)
        return self.restart_due is not None and now >= self.restart_due

    def restarted(self, now: float, error: str | None, backoff: Backoff) -> None:
        self.restarts += 1
        self.last_restart = now
        self.history = [*self.history, now][-20:]
        self.last_error = error
        self.crashed_at = self.restart_due = None
        self.owed = error is not None
        if error is not None:
            self.failed_restarts += 1
            self.repeats += 1
            self.crashed_at = now
            self.restart_due = now + backoff.delay(self.repeats)

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> RestartRecord:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)
