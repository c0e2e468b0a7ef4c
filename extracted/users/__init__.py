"""The users service: WordPress's user management as its own capability, publishing domain events.

It builds its read model from the ``wp_users``/``wp_usermeta`` change events and derives domain events
from the state they leave (``derivation``: WordPress writes one change as several statements), which
other services consume instead of WordPress's tables (``extracted.contracts``: ``user.registered``,
``user.profile_updated``, ``user.role_changed``, ``user.deleted`` on ``<prefix>.events.users``).
It also owns ``/wp-json/wp/v2/users[/ID]``, answered as WordPress 6.1 answers a visitor, and
registration (``wp-login.php?action=register``): the service is the system of record of the users it
registers (``registration.record``: the user, its ``user.registered`` event and the announcement in
one transaction), and its legacy sync writes them into WordPress's database
(``registration.legacy_sync``), so that everything not moved yet keeps working. WordPress's mails for
them are the site-emails extension's; its internal API (``internal_api``) gives it the set-password
key (``registration.set_password_key``).

Modules: ``schema`` (store), ``projection`` (change events → store, pending users), ``derivation``
(pure: which events a user's state makes), ``announcer`` (pending users → the outbox, a worker),
``site``, ``api`` (the REST endpoints), ``registration`` (the page, its rules, the system of record,
the legacy sync, the set-password keys), ``internal_api``, ``app`` (HTTP), ``service`` (the kit's
definition: the announcer, the outbox relay to Kafka and the legacy sync as workers); run it with
``python -m extracted.users serve``.
"""

from .derivation import Announced, Decision, DerivedEvent, Pending, UserState, decide, roles_of

__all__ = ["Announced", "Decision", "DerivedEvent", "Pending", "UserState", "decide", "roles_of"]
