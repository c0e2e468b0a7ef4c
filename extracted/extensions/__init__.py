"""The extensions service: what WordPress's plugins did on its hooks, as subscribers to domain events.

Public surface:

- ``sdk``: ``Extension`` (``@extension.on("comment.posted")``), ``ExtensionContext``, ``RetryPolicy``,
  ``SiteView`` — what an extension's author writes against; extensions are found through the entry
  point group ``wp_strangler.extensions`` (``discovery.GROUP``).
- ``runner.ExtensionRunner``: one extension with its own consumer group, retries, dead letters, and
  ``runner.Switchboard`` to enable or disable it at run time.
- ``site``: what the service knows of the site (options, users, posts, comments from their events).
- ``webhooks``: Standard Webhooks deliveries to outside systems; ``site_emails``: WordPress's
  notification mails; ``examples.activity_log``: an example extension for authors.
- ``service.DEFINITION``: the service as the kit runs it (``python -m extracted.extensions serve``).
"""

from .discovery import GROUP
from .sdk import Extension, ExtensionContext, RetryPolicy, SiteView

__all__ = ["GROUP", "Extension", "ExtensionContext", "RetryPolicy", "SiteView"]
