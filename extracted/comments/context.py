"""What the workers and the app of one comments process share (the kit's per-process context)."""

from __future__ import annotations

from dataclasses import dataclass, field

from extracted.runtime.answer_cache import Generation

from .submission_endpoint import SubmissionEndpoint

__all__ = ["CommentsContext"]


@dataclass
class CommentsContext:
    """The submission endpoint and the read model's generation.

    ``generation`` moves after every batch the consumer commits and after every comment the service takes
    itself (both change what the REST answers show): the app's answers are cached per generation."""

    #: made with the workers (it needs the service's settings); None before
    submissions: SubmissionEndpoint | None = None
    generation: Generation = field(default_factory=Generation)

    def changed(self) -> None:
        self.generation.bump()
