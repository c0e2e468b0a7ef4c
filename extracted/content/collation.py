"""MariaDB's ``utf8mb4_unicode_520_ci`` for the content service's searches: shared with the other
services, in ``extracted.rest.collation``."""

from extracted.rest.collation import Like, collated_like, fold, fold_pattern

__all__ = ["Like", "collated_like", "fold", "fold_pattern"]
