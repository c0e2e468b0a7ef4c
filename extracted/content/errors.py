"""The content service's own errors; the REST layer's (``RestError``, the 503 fallback) are in ``extracted.rest``."""

from __future__ import annotations

from extracted.rest import ServiceUnavailableError

#: the service's name in its 503 answers (``strangler_content_unavailable``, "the content service ...")
SERVICE = "content"


class ContentError(Exception):
    """Base of the content service's errors."""


class ConfigurationError(ContentError):
    """The service was started with unusable settings."""


class ContentUnavailableError(ServiceUnavailableError, ContentError):
    """A post of the response cannot be rendered here as WordPress renders it (the formatting library
    raised ``UnsupportedContentError`` or ``WordPressFatalError``, or failed): the whole request is 503."""

    def __init__(self, post_id: int, reason: str) -> None:
        message = f"post {post_id} cannot be rendered by the content service: {reason}"
        super().__init__(message, service=SERVICE, unavailable=f"post {post_id}")
        self.post_id = post_id
        self.reason = reason
