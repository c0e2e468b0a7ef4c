"""The site's notification mails as a built-in extension (``site-emails``).

WordPress 6.1's moderation notice (``wp_notify_moderator``) for a held comment and post-author notice
(``wp_notify_postauthor``) for an approved one, built from the ``comment.posted`` and
``comment.approved`` events and the site as the extensions service knows it: ``facts`` (what they
read), ``notices`` (the mails, pure), ``extension`` (the handlers). And the two mails of a visitor's
registration the users service took (``wp_new_user_notification``): ``new_user`` (the mails, pure),
``registration`` (the ``user.registered`` events they are for, the set-password key from the users
service).
"""
