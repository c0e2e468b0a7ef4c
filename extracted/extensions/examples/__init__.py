"""Example extensions, for authors: each a module with an ``extension`` (see ``extracted.extensions.sdk``)."""
