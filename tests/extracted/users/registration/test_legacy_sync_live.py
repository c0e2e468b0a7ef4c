"""The legacy sync against the stack's real MariaDB and WordPress: the rows WordPress writes for a
registration; the set-password key of the internal API, the mails site-emails builds with it (as
WordPress sends them) and the login its link gives; idempotence, conflicts, an unreachable database.

The sync runs in this process on a store of its own (the service's schema), seeded with WordPress's
options and users as CDC would have brought them; the rows it writes are compared with those of a
registration WordPress made itself, and WordPress's own PHP checks what it wrote.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, insert, select, update

from cli.stack.ports import free_port
from extracted.extensions.site_emails.new_user import MailSite, new_user_mails
from extracted.formatting.phpass import check_password
from extracted.runtime import Store, open_engine
from extracted.runtime.legacy import LegacyDatabase
from extracted.users import schema
from extracted.users.registration.legacy_sync import LegacySync, connect_mariadb
from extracted.users.registration.record import option, record_registration
from extracted.users.registration.set_password_key import Issued, NotYet, SetPasswordKeys
from tests.cdc.harness import query
from tests.extracted.users.registration.registration_flow import set_password_and_log_in
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack
TOPIC = "wordpress.events.users"
MAILS_PHP = Path(__file__).parent / "legacy_php" / "new_user_mails.php"
#: columns that differ between any two registrations
PER_USER = {"ID", "user_pass", "user_registered", "user_activation_key"}


def database(stack: StackHandle, port: int | None = None) -> LegacyDatabase:
    m = stack.components["mariadb"]
    return LegacyDatabase(m["host"], port or m["port"], m["wp_user"], m["wp_password"], m["database"])


def copy_users(stack: StackHandle, engine: Engine) -> None:
    """WordPress's users not in the store yet, as CDC brings them."""
    with engine.begin() as connection:
        known = set(connection.execute(select(schema.users.c.id)).scalars())
        for user_id, login, nicename, email in query(
            stack.components, "SELECT ID, user_login, user_nicename, user_email FROM wp_users"
        ):
            if user_id not in known:
                connection.execute(insert(schema.users).values(
                    id=user_id, login=login, nicename=nicename, email=email, display_name=login,
                    login_key=schema.identity_key(login), email_key=schema.identity_key(email),
                ))  # fmt: skip


@pytest.fixture
def store(stack: StackHandle, tmp_path: Path) -> Iterator[Engine]:
    """The service's store with WordPress's options and users, as CDC brings them."""
    engine = open_engine(f"sqlite:///{tmp_path / 'users.db'}")
    Store(engine, schema.metadata).create()
    with engine.begin() as connection:
        names = tuple(sorted(schema.OPTIONS))
        marks = ", ".join(["%s"] * len(names))
        for option_id, name, value in query(stack.components, "SELECT option_id, option_name, option_value FROM "
                                            f"wp_options WHERE option_name IN ({marks})", names):  # fmt: skip
            connection.execute(insert(schema.options).values(option_id=option_id, name=name, value=value))
    copy_users(stack, engine)
    yield engine
    engine.dispose()


def record(engine: Engine, login: str, stack: StackHandle | None = None) -> int:
    """The service records a registration (having seen WordPress's users so far, when ``stack``)."""
    if stack is not None:
        copy_users(stack, engine)
    with engine.begin() as connection:
        user = record_registration(connection, login, f"{login}@example.test", int(time.time() * 1000), topic=TOPIC,
                                   table_prefix="wp_", https=False)  # fmt: skip
    return user.id


def wordpress_rows(stack: StackHandle, login: str) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    rows = query(stack.components, "SELECT * FROM wp_users WHERE user_login = %s", (login,))
    (row,) = rows
    columns = [c[0] for c in query(stack.components, "SHOW COLUMNS FROM wp_users")]
    user = dict(zip(columns, row, strict=True))
    meta = query(stack.components, "SELECT meta_key, meta_value FROM wp_usermeta WHERE user_id = %s ORDER BY umeta_id",
                 (user["ID"],))  # fmt: skip
    return user, [(str(k), str(v)) for k, v in meta]


def register_through_wordpress(stack: StackHandle, login: str) -> None:
    query(stack.components, "UPDATE wp_options SET option_value = '1' WHERE option_name = 'users_can_register'")
    with httpx.Client(base_url=stack.components["proxy"]["url"], timeout=60) as client:
        answer = client.post("/wp-login.php?action=register",
                             data={"user_login": login, "user_email": f"{login}@example.test"})  # fmt: skip
    assert answer.status_code == 302, answer.text[:300]


def _same_shape(user: dict[str, Any], login: str) -> dict[str, Any]:
    return {k: (str(v).replace(login, "LOGIN") if isinstance(v, str) else v) for k, v in user.items()
            if k not in PER_USER}  # fmt: skip


def test_the_sync_writes_what_wordpress_writes_for_a_registration(stack: StackHandle, store: Engine) -> None:
    """Compared with a registration WordPress made itself: every column and meta row, but the id,
    times and hashes; then WordPress's own phpass checks the sync's hashes."""
    reference, ours = f"wpref{uuid.uuid4().hex[:8]}", f"svc{uuid.uuid4().hex[:8]}"
    register_through_wordpress(stack, reference)
    user_id = record(store, ours, stack)
    sync = LegacySync(store, connect_mariadb(database(stack)))
    assert sync.sync_pending() == 1
    theirs_row, theirs_meta = wordpress_rows(stack, reference)
    our_row, our_meta = wordpress_rows(stack, ours)
    assert our_row["ID"] == user_id
    assert _same_shape(our_row, ours) == _same_shape(theirs_row, reference)
    assert [(k, v.replace(ours, "LOGIN")) for k, v in our_meta] == [(k, v.replace(reference, "LOGIN"))
                                                                     for k, v in theirs_meta]  # fmt: skip
    for row in (our_row, theirs_row):
        assert re.fullmatch(r"\$P\$B[./0-9A-Za-z]{30}", row["user_pass"])
        assert re.fullmatch(r"\d{10}:\$P\$B[./0-9A-Za-z]{30}", row["user_activation_key"])
    assert abs(int(our_row["user_activation_key"].split(":")[0]) - time.time()) < 60
    health = sync.health()
    assert (health["pending"], health["synced"], health["conflicts"]) == (0, 1, 0)
    assert not {key for key in health if "mail" in key}  # the users service sends no mail any more
    # the read model's meta rows now carry WordPress's ids: the CDC echo replaces them with themselves
    with store.connect() as connection:
        ids = {r.umeta_id for r in connection.execute(select(schema.user_meta).where(
            schema.user_meta.c.user_id == user_id))}  # fmt: skip
    assert ids == {int(i) for (i,) in query(stack.components, "SELECT umeta_id FROM wp_usermeta WHERE user_id = %s",
                                             (user_id,))}  # fmt: skip


def test_a_rerun_after_a_crash_creates_no_second_user(stack: StackHandle, store: Engine) -> None:
    login = f"again{uuid.uuid4().hex[:8]}"
    user_id = record(store, login)
    sync = LegacySync(store, connect_mariadb(database(stack)))
    assert sync.sync_pending() == 1
    first_key = wordpress_rows(stack, login)[0]["user_activation_key"]
    with store.begin() as connection:  # as if the process died after MariaDB's commit, before "synced"
        connection.execute(update(schema.registrations).values(state="pending"))
    again = LegacySync(store, connect_mariadb(database(stack)))
    assert again.sync_pending() == 1 and again.health()["rewritten"] == 1
    assert query(stack.components, "SELECT COUNT(*) FROM wp_users WHERE user_login = %s", (login,)) == [(1,)]
    assert query(stack.components, "SELECT COUNT(*) FROM wp_usermeta WHERE user_id = %s", (user_id,)) == [(14,)]
    assert wordpress_rows(stack, login)[0]["user_activation_key"] != first_key  # the new mail's key


def test_an_id_wordpress_gave_someone_else_is_a_conflict_kept_and_reported(stack: StackHandle, store: Engine) -> None:
    """wp-admin created a user in the same instant: WordPress's AUTO_INCREMENT took the id first."""
    login = f"late{uuid.uuid4().hex[:8]}"
    user_id = record(store, login)
    rival = f"rival{uuid.uuid4().hex[:8]}"
    query(stack.components, "INSERT INTO wp_users (ID, user_login, user_pass, user_nicename, user_email, "
          "user_registered, display_name) VALUES (%s, %s, '', %s, %s, UTC_TIMESTAMP(), %s)",
          (user_id, rival, rival, f"{rival}@example.test", rival))  # fmt: skip
    sync = LegacySync(store, connect_mariadb(database(stack)))
    assert sync.sync_pending() == 0
    health = sync.health()
    assert (health["healthy"], health["conflicts"], health["pending"]) == (False, 1, 0)
    with store.connect() as connection:
        registration = connection.execute(select(schema.registrations)).one()
    assert registration.state == "conflict" and rival in registration.last_error
    with store.connect() as connection:  # its copy left the read model: WordPress's user of that id is the truth
        assert connection.execute(select(schema.users).where(schema.users.c.login == login)).first() is None
        assert connection.execute(select(schema.user_meta).where(schema.user_meta.c.user_id == user_id)).first() is None
    assert query(stack.components, "SELECT user_login FROM wp_users WHERE ID = %s", (user_id,)) == [(rival,)]


def test_an_unreachable_database_is_retried_until_it_is_back(stack: StackHandle, store: Engine) -> None:
    login = f"wait{uuid.uuid4().hex[:8]}"
    record(store, login)
    target = {"database": database(stack, port=free_port())}  # nothing listens there

    def connect() -> Any:
        return connect_mariadb(target["database"])()

    sync = LegacySync(store, connect, retry_initial_s=0.05, retry_max_s=0.2, idle_s=0.05)
    stop = threading.Event()
    thread = threading.Thread(target=sync.run, args=(stop,), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not sync.health()["failing"] and time.monotonic() < deadline:
            time.sleep(0.02)
        health = sync.health()
        assert health["failing"] and not health["healthy"] and health["pending"] == 1, health
        assert "OperationalError" in health["last_error"]
        target["database"] = database(stack)
        while sync.health()["pending"] and time.monotonic() < deadline + 10:
            time.sleep(0.02)
        assert sync.health()["healthy"] and sync.health()["synced"] == 1
    finally:
        stop.set()
        thread.join(5)
    assert len(query(stack.components, "SELECT ID FROM wp_users WHERE user_login = %s", (login,))) == 1


def wordpress_mails(stack: StackHandle, user_id: int, tmp_path: Path) -> list[bytes]:
    """What WordPress's own wp_new_user_notification sends for ``user_id`` (PHP's mail() captured)."""
    outbox = tmp_path / "wordpress-mails"
    outbox.mkdir()
    capture = tmp_path / "sendmail.sh"
    capture.write_text(f'#!/bin/sh\ncat > "{outbox}/$(date +%s%N).eml"\n')
    capture.chmod(0o700)
    wordpress = stack.components["wordpress"]
    request = {"docroot": wordpress["docroot"], "public_url": stack.components["proxy"]["url"], "user_id": user_id}
    subprocess.run(["php", "-d", f"sendmail_path={capture}", "-d", "display_errors=stderr", str(MAILS_PHP)],
                   input=json.dumps(request), text=True, check=True, capture_output=True, timeout=60)  # fmt: skip
    return [path.read_bytes() for path in sorted(outbox.iterdir())]


def _comparable(raw: bytes, login: str) -> tuple[list[tuple[str, str]], str]:
    head, _, body = raw.replace(b"\r\n", b"\n").decode().partition("\n\n")
    headers = [line.partition(": ")[::2] for line in head.split("\n") if not line.startswith("X-Mailer")]
    varying = {"Date", "Message-ID"}
    normalized = [(k, "…" if k in varying else v.replace(login, "LOGIN")) for k, v in headers]
    body = re.sub(r"key=[A-Za-z0-9]{20}", "key=KEY", body.replace(login, "LOGIN")).rstrip("\n")
    return normalized, body


def site_of(store: Engine) -> MailSite:
    """The options site-emails reads, as the service's store holds them (both come from wp_options)."""
    with store.connect() as connection:
        home = option(connection, "home")
        return MailSite(option(connection, "blogname"), option(connection, "siteurl", home), home,
                        option(connection, "admin_email"), option(connection, "blog_charset", "UTF-8"))  # fmt: skip


def test_the_key_and_the_mails_are_wordpress_s_and_the_link_sets_a_password_for_a_login(
    stack: StackHandle, store: Engine, tmp_path: Path
) -> None:
    """The internal API's key (as get_password_reset_key stores it) and the site-emails mails built with
    it: headers and bodies as WordPress's own for a user it registered (but X-Mailer, Date, Message-ID,
    the key); then the link, through WordPress: set a password, log in."""
    reference, ours = f"wpmail{uuid.uuid4().hex[:8]}", f"svcmail{uuid.uuid4().hex[:8]}"
    register_through_wordpress(stack, reference)
    theirs = wordpress_mails(stack, int(wordpress_rows(stack, reference)[0]["ID"]), tmp_path)
    user_id = record(store, ours, stack)
    keys = SetPasswordKeys(store, connect_mariadb(database(stack)))
    assert keys.issue(user_id) == NotYet("pending")  # 409: the sync has not written the user yet
    assert LegacySync(store, connect_mariadb(database(stack))).sync_pending() == 1
    unknown_key = wordpress_rows(stack, ours)[0]["user_activation_key"]
    issued = keys.issue(user_id)
    assert isinstance(issued, Issued) and (issued.user_login, issued.https) == (ours, False)
    stored = wordpress_rows(stack, ours)[0]["user_activation_key"]
    assert stored != unknown_key and re.fullmatch(r"\d{10}:\$P\$B[./0-9A-Za-z]{30}", stored)
    notice, details = new_user_mails(site_of(store), issued.user_login, issued.user_email, issued.key, https=False)
    assert len(theirs) == 2
    assert _comparable(notice.raw, ours) == _comparable(theirs[0], reference)
    assert _comparable(details.raw, ours) == _comparable(theirs[1], reference)
    assert check_password(issued.key, stored.split(":", 1)[1])
    link = re.search(r"(http://\S+action=rp&key=([A-Za-z0-9]{20})&login=\S+)", details.body)
    assert link is not None and link.group(2) == issued.key
    logged_in = set_password_and_log_in(link.group(1), ours)
    assert logged_in.status_code == 302 and "/wp-admin/" in logged_in.headers["location"], logged_in.text[:500]
    assert any(name.startswith("wordpress_logged_in_") for name in logged_in.cookies), logged_in.headers
