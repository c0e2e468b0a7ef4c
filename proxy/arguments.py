"""Request arguments as PHP reads them into ``$_GET``, ``$_POST`` and ``$_REQUEST`` (pure).

A route's ``query`` is matched against what WordPress will act on, and wp-login.php acts on
``$_REQUEST['action']``. With Debian's ``request_order = "GP"`` (installed ``php.ini``, also under PHP-FPM)
``$_REQUEST`` is ``$_GET`` overwritten by ``$_POST``: a form body can override the URL's arguments.

Parsing follows PHP 8.2 (``main/php_variables.c``), byte for byte:

* pairs are split on ``&`` (``arg_separator.input``); a pair without ``=`` has the empty value;
* names and values are percent-decoded, ``+`` is a space; a name ends at a decoded NUL byte;
* leading spaces of a name are dropped; ``.`` and space become ``_``; ``name[...]`` makes an array, and a
  ``[`` with no ``]`` after it becomes ``_`` too (``a[b`` -> ``a_b``); an empty name is dropped;
* a later pair of the same name wins (also over an array, and an array over a string);
* more than ``max_input_vars`` (1000) pairs: PHP stops reading, so nothing is known (``None``).

What is not modelled is refused rather than guessed: a too-deep array (``max_input_nesting_level``
deletes the name) is simply an array here, which no string ever equals.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

__all__ = ["MAX_INPUT_VARS", "Argument", "Arguments", "parse_arguments", "php_name", "request_arguments"]

MAX_INPUT_VARS = 1000  # php.ini default, unchanged by Debian and by our PHP-FPM pool
_MANGLED_AFTER_BRACKET = bytes.maketrans(b" .[", b"___")


@dataclass(frozen=True)
class Argument:
    """One name of ``$_GET``/``$_POST``/``$_REQUEST``."""

    #: the decoded value; None when PHP made it an array
    value: bytes | None
    #: every raw (undecoded) name that PHP registered under this name, in order: more than one, or one
    #: that is not the plain name, is a form a service might not read as PHP does
    raw_names: tuple[bytes, ...]


Arguments = dict[bytes, Argument]


def php_name(raw: bytes) -> tuple[bytes, bool] | None:
    """(name, is_array) under which PHP registers a decoded argument name; None when PHP drops it."""
    name = raw.split(b"\0", 1)[0].lstrip(b" ")
    bracket = name.find(b"[")
    head = (name if bracket < 0 else name[:bracket]).replace(b" ", b"_").replace(b".", b"_")
    if not head:
        return None
    if bracket < 0:
        return head, False
    if b"]" in name[bracket + 1 :]:
        return head, True
    return head + b"_" + name[bracket + 1 :].translate(_MANGLED_AFTER_BRACKET), False


def _decode(data: bytes) -> bytes:
    if b"%" in data:
        return unquote_to_bytes(data.replace(b"+", b" "))
    return data.replace(b"+", b" ")


def parse_arguments(data: bytes) -> Arguments | None:
    """One query string or ``application/x-www-form-urlencoded`` body as PHP registers it; None when it
    holds more pairs than PHP reads (PHP would stop part-way: what it acts on is not known)."""
    pairs = data.split(b"&")
    if len(pairs) > MAX_INPUT_VARS:  # counts empty pairs too: never fewer than PHP counts
        return None
    found: Arguments = {}
    for pair in pairs:
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition(b"=")
        registered = php_name(_decode(raw_name))
        if registered is None:
            continue
        name, is_array = registered
        before = found.get(name)
        raw_names = (*before.raw_names, raw_name) if before is not None else (raw_name,)
        found[name] = Argument(None if is_array else _decode(raw_value), raw_names)
    return found


def request_arguments(query: bytes, form: bytes | None) -> Arguments | None:
    """``$_REQUEST`` (``request_order = "GP"``): the query's arguments, each overwritten by the form
    body's of the same name. None when either part holds more pairs than PHP reads."""
    arguments = parse_arguments(query)
    if form is None or arguments is None:
        return arguments
    posted = parse_arguments(form)
    if posted is None:
        return None
    for name, argument in posted.items():
        before = arguments.get(name)
        if before is None:
            arguments[name] = argument
            continue
        # arrays in both are merged (still an array); otherwise the body's value replaces the query's
        value = None if before.value is None and argument.value is None else argument.value
        arguments[name] = Argument(value, before.raw_names + argument.raw_names)
    return arguments
