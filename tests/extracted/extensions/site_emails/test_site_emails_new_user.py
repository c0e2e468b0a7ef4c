"""The new-user mails (``wp_new_user_notification( $id, null, 'both' )``) against WordPress 6.1's own,
captured from its PHP offline: the admin's "New User Registration" and the user's "Login Details", with
the key WordPress's ``get_password_reset_key`` made in that run (PHPMailer's Date, Message-ID and
X-Mailer excepted); then the exact text of the pure builders."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from test_site_emails_differential import comparable
from wordpress_notices import WordPressNotices

from cli.stack.ports import wait_until
from extracted.contracts import CloudEvent, new_event, validate
from extracted.extensions import schema as extensions_schema
from extracted.extensions.runner import ExtensionRunner, Switchboard
from extracted.extensions.sdk import ExtensionContext, RetryPolicy
from extracted.extensions.site_emails.extension import RETRY, extension, notify_new_user
from extracted.extensions.site_emails.new_user import MailSite, admin_notification, login_details, new_user_mails
from extracted.extensions.site_emails.registration import KeyNotReadyError, mails_for_registration
from extracted.runtime import InMemoryBroker, Store, open_engine
from extracted.runtime.legacy import SmtpServer
from extracted.runtime.mail import Mailer, specialchars_decode
from tests.extracted.users.registration.smtp_sink import smtp_sink


@dataclass(frozen=True)
class NewUserCase:
    name: str
    login: str = "ann"
    email: str = "ann@x.test"
    blogname: str = "My Site"
    siteurl: str = "http://www.site.test"
    home: str = "http://www.site.test"
    admin_email: str = "admin@site.test"
    charset: str = "UTF-8"
    https: bool = False

    @property
    def site(self) -> MailSite:
        return MailSite(self.blogname, self.siteurl, self.home, self.admin_email, self.charset)

    def php(self) -> dict[str, Any]:
        options = {"home": self.home, "siteurl": self.siteurl, "blogname": self.blogname,
                   "admin_email": self.admin_email, "blog_charset": self.charset}  # fmt: skip
        user = {"ID": 7, "user_login": self.login, "user_email": self.email, "display_name": self.login,
                "user_nicename": "n", "user_pass": "$P$Bx", "user_registered": "2020-01-01 00:00:00",
                "user_activation_key": "", "user_status": "0", "user_url": ""}  # fmt: skip
        meta = {"7": {"wp_capabilities": 'a:1:{s:10:"subscriber";b:1;}'}}
        return {"options": options, "users": [user], "usermeta": meta, "posts": [], "comments": [], "waiting": 0,
                "hook": "new_user", "user_id": 7, "https": self.https}  # fmt: skip


CASES = [
    NewUserCase("plain"),
    NewUserCase("https visitor", https=True),
    NewUserCase("https site", siteurl="https://site.test", home="https://site.test", https=True),
    NewUserCase("subdirectory", siteurl="http://www.site.test/wp", home="http://www.site.test"),
    NewUserCase("escaped blogname", blogname="Tom &amp; Jerry&#039;s &quot;shop&quot; &lt;3"),
    NewUserCase("accented blogname", blogname="Café Zoë — “quotes”"),
    NewUserCase("login with space, dot and at", login="ann lee.x@y", email="ann.lee@x.test"),
    NewUserCase("admin address of another domain", admin_email="owner@elsewhere.test"),
    NewUserCase("home on a port", siteurl="http://127.0.0.1:18000", home="http://127.0.0.1:18000"),
    NewUserCase("localhost: no sender WordPress accepts", siteurl="http://localhost", home="http://localhost"),
    NewUserCase("an address is_email refuses", email="ann@x"),
    NewUserCase("long blogname", blogname="A very long site title " * 4),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_new_user_mails_are_wordpress_s(case: NewUserCase, wordpress_notices: WordPressNotices) -> None:
    theirs, keys = wordpress_notices.mails_and_keys(case.php())
    assert len(keys) == 1, (theirs, keys)
    ours = new_user_mails(case.site, case.login, case.email, keys[0], https=case.https)
    assert [comparable(mail.raw) for mail in ours] == [comparable(raw) for raw in theirs]
    if "." in case.home.split("//")[1].split(":")[0] and "." in case.email.split("@")[1]:
        assert [mail.to for mail in ours] == [case.admin_email, case.email]


def test_the_mails_text_is_wordpress_s() -> None:
    site = MailSite("Tom &amp; Jerry&#039;s &#x27;shop&#39;", "https://www.site.test/wp", "https://www.site.test",
                    "owner@site.test")  # fmt: skip
    assert specialchars_decode("Tom &amp; Jerry&#039;s &#x27;shop&#39; &#038; &#0060;&hellip;") == (
        "Tom & Jerry's 'shop' & <&hellip;"
    )
    details = login_details(site, "ann lee@x", "ann@x.test", "KEY0123456789abcdefg", https=False)
    assert (
        details is not None and details.subject == "[Tom & Jerry's 'shop'] Login Details" and details.to == "ann@x.test"
    )
    assert details.body == (
        "Username: ann lee@x\r\n\r\nTo set your password, visit the following address:\r\n\r\n"
        "http://www.site.test/wp/wp-login.php?action=rp&key=KEY0123456789abcdefg&login=ann%20lee%40x\r\n\r\n"
        "http://www.site.test/wp/wp-login.php\r\n"
    )
    head = details.raw.split(b"\r\n\r\n", 1)[0].decode().split("\r\n")
    assert [line.split(":", 1)[0] for line in head] == ["To", "Subject", "Date", "From", "Message-ID",
                                                          "MIME-Version", "Content-Type"]  # fmt: skip
    assert "From: WordPress <wordpress@site.test>" in head and "Content-Type: text/plain; charset=UTF-8" in head
    notice = admin_notification(site, "ann", "ann@x.test")
    assert notice is not None
    assert (notice.to, notice.subject) == ("owner@site.test", "[Tom & Jerry's 'shop'] New User Registration")
    assert notice.body == "New user registration on your site Tom & Jerry's 'shop':\r\n\r\nUsername: ann\r\n\r\n" \
        "Email: ann@x.test\r\n"  # fmt: skip


# -- the events they are for, the key, the handler ------------------------------------------------


class Site:
    """The options as the extensions service's view answers them (no users, posts, comments needed)."""

    options: ClassVar[dict[str, str]] = {"blogname": "My Site", "siteurl": "http://www.site.test", "home": "http://www.site.test",
               "admin_email": "admin@site.test", "blog_charset": "UTF-8"}  # fmt: skip

    def option(self, name: str) -> str | None:
        return self.options.get(name)

    def user(self, user_id: int) -> Mapping[str, Any] | None:
        return None

    def post(self, post_id: int) -> Mapping[str, Any] | None:
        return None

    def comment(self, comment_id: int) -> Mapping[str, Any] | None:
        return None

    def pending_comments(self) -> int:
        return 0


@dataclass
class Keys:
    """The users service's answers, in order (a status, or a key)."""

    answers: list[int | dict[str, Any]]
    asked: list[int] = field(default_factory=list)

    def issue(self, user_id: int) -> Mapping[str, Any]:
        self.asked.append(user_id)
        answer = self.answers.pop(0)
        if isinstance(answer, int):
            raise KeyNotReadyError(f"{answer}")
        return answer


def registered(origin: str | None = "users-service", *, when: datetime | None = None) -> CloudEvent:
    data: dict[str, Any] = {"id": 12, "login": "zoë", "nicename": "zoe", "display_name": "zoë",
                            "email": "zoe@x.test", "url": "", "registered": "2026-12-07T10:00:00Z",
                            "roles": ["subscriber"], "nickname": "zoë", "first_name": "", "last_name": "",
                            "description": "", "locale": ""}  # fmt: skip
    if origin is not None:
        data["origin"] = origin
    return new_event("user.registered", "12", data, source="/users", time=when or datetime.now(UTC))


KEY = {"user_id": 12, "user_login": "zoe", "user_email": "zoe@x.test", "key": "K" * 20, "https": True}


def test_only_the_service_s_recent_registrations_are_mailed() -> None:
    keys = Keys([dict(KEY)])
    validate(registered())  # the event, origin included, is the contract's
    assert mails_for_registration(registered(origin=None), Site(), {}, keys) == []  # WordPress made the user
    old = registered(when=datetime.now(UTC) - timedelta(days=2))
    assert mails_for_registration(old, Site(), {}, keys) == [] and keys.asked == []  # a topic read from its start
    assert mails_for_registration(old, Site(), {"registration_mail_max_age_s": 3 * 86400}, keys) != []
    assert keys.asked == [12]


def test_the_mails_carry_the_service_s_key_and_scheme() -> None:
    admin, details = mails_for_registration(registered(), Site(), {}, Keys([dict(KEY)]))
    assert (admin.to, admin.subject) == ("admin@site.test", "[My Site] New User Registration")
    assert (details.to, details.subject) == ("zoe@x.test", "[My Site] Login Details")
    assert f"https://www.site.test/wp-login.php?action=rp&key={'K' * 20}&login=zoe\r\n" in details.body


class UsersService(BaseHTTPRequestHandler):
    """A stand-in of the users service's internal API: 409 first (the sync pending), then the key."""

    answers: ClassVar[list[tuple[int, dict[str, Any]]]] = []
    seen: ClassVar[list[tuple[str, str]]] = []

    def do_POST(self) -> None:
        self.seen.append((self.path, self.headers.get("authorization", "")))
        status, body = self.answers.pop(0)
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_the_handler_waits_for_the_key_then_mails_over_smtp() -> None:
    UsersService.answers = [(409, {"detail": "not in WordPress yet"}), (200, KEY)]
    UsersService.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), UsersService)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = {"users_url": f"http://127.0.0.1:{server.server_address[1]}", "users_token": "tok"}
    try:
        with smtp_sink() as sink:
            context = ExtensionContext("site-emails", Site(), settings, logging.getLogger("site-emails"),
                                       mailer=Mailer(SmtpServer(sink.host, sink.port)))  # fmt: skip
            event = registered()
            with pytest.raises(KeyNotReadyError, match="409"):
                notify_new_user(event, context)  # the runner retries it (extension.RETRY)
            notify_new_user(event, context)
            notify_new_user(registered(origin=None), context)  # WordPress's own: nothing asked, nothing sent
            caught = sink.to("admin@site.test") + sink.to("zoe@x.test")
    finally:
        server.shutdown()
        server.server_close()
    assert UsersService.seen == [("/internal/users/12/set-password-key", "Bearer tok")] * 2
    assert [mail.message["subject"] for mail in caught] == [
        "[My Site] New User Registration",
        "[My Site] Login Details",
    ]
    assert extension.handlers_for("user.registered") == [notify_new_user]
    assert sum(RETRY.delays()) > 120  # the sync may wait minutes for MariaDB before it is a dead letter


@contextmanager
def users_service(answers: list[tuple[int, dict[str, Any]]]) -> Iterator[str]:
    """The stand-in users service answering ``answers`` in order; its URL."""
    UsersService.answers, UsersService.seen = answers, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), UsersService)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


USERS_TOPIC = "wordpress.events.users"


def run_site_emails(tmp_path: Path, url: str, events: list[CloudEvent], until: Callable[[dict[str, Any]], bool],
                    mailer: Mailer | None) -> tuple[dict[str, Any], InMemoryBroker]:  # fmt: skip
    """The real extension in the real runner (its retry policy made fast) on the in-memory broker."""
    store = Store(open_engine(f"sqlite:///{tmp_path / 'extensions.db'}"), extensions_schema.metadata)
    store.create()
    broker = InMemoryBroker()
    for event in events:
        broker.append(USERS_TOPIC, event.subject.encode(), event.to_json())
    fast = replace(extension, retry=RetryPolicy(attempts=4, initial_s=0.01, maximum_s=0.05), replay_history=True)
    settings = {"users_url": url, "users_token": "tok"}
    context = ExtensionContext("site-emails", Site(), settings, logging.getLogger("site-emails"), mailer=mailer)
    runner = ExtensionRunner(fast, context, engine=store.engine, broker=broker, topics=[USERS_TOPIC],
                             group="strangler-extensions", prefix="wordpress",
                             switchboard=Switchboard(store.engine, {"site-emails": True}), poll_ms=20)  # fmt: skip
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert wait_until(lambda: until(runner.health()), 20), runner.health()
    finally:
        stop.set()
        thread.join(10)
        store.engine.dispose()
    return runner.health(), broker


def test_the_runner_waits_for_the_key_and_mails_each_registration_once(tmp_path: Path) -> None:
    event = registered()
    events = [event, event, registered(origin=None)]  # the same event twice (a redelivery), WordPress's own
    with users_service([(409, {}), (409, {}), (200, KEY)]) as url, smtp_sink() as sink:
        health, _ = run_site_emails(tmp_path, url, events, lambda health: health["handled"] == 2,
                                    Mailer(SmtpServer(sink.host, sink.port)))  # fmt: skip
        caught = sink.to("admin@site.test") + sink.to("zoe@x.test")
    assert len(UsersService.seen) == 3 and (health["retries"], health["dead_lettered"]) == (2, 0)
    assert [mail.message["subject"] for mail in caught] == [
        "[My Site] New User Registration",
        "[My Site] Login Details",
    ]


def test_a_key_never_given_makes_the_event_a_dead_letter(tmp_path: Path) -> None:
    with users_service([(404, {"detail": "no such registration"})] * 4) as url, smtp_sink() as sink:
        _, broker = run_site_emails(tmp_path, url, [registered()], lambda health: health["dead_lettered"] == 1,
                                         Mailer(SmtpServer(sink.host, sink.port)))  # fmt: skip
        assert not sink.to("zoe@x.test", timeout=0.2)
    (letter,) = broker.published("wordpress.dead-letter.strangler-extensions.site-emails")
    assert len(UsersService.seen) == 4 and "KeyRefusedError" in letter.error and "404" in letter.error
