"""The formatting library's exceptions."""

from __future__ import annotations


class FormattingError(Exception):
    """Base of the errors the formatting library raises."""


class WordPressFatalError(FormattingError):
    """WordPress itself dies on this input (a PHP fatal error: its REST response is an HTTP 500).

    The library raises where WordPress would, so that a service can answer as WordPress does.
    """


class UnsupportedContentError(FormattingError):
    """The content needs something the library does not render yet (e.g. Gravatar images when the site
    shows avatars); a service should let WordPress answer this request."""
