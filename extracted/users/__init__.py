"""The users service: WordPress's user management as its own capability, publishing domain events.

It builds its read model from the ``wp_users``/``wp_usermeta`` change events and derives domain events
from the state they leave (``derivation``: WordPress writes one change as several statements), which
other services consume instead of WordPress's tables (``extracted.contracts``: ``user.registered``,
``user.profile_updated``, ``user.role_changed``, ``user.deleted`` on ``<prefix>.events.users``).
"""

from .derivation import Announced, Decision, DerivedEvent, Pending, UserState, decide, roles_of

__all__ = ["Announced", "Decision", "DerivedEvent", "Pending", "UserState", "decide", "roles_of"]
