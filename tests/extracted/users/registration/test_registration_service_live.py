"""Registration served by the users service on the real stack: the system of record, its one event,
the sync into WordPress and its echo, the mails and the first login, WordPress stopped, dry runs.

The mails are the site-emails extension's (the stack's extensions service): it reads the
``user.registered`` event, asks the users service's internal API for the set-password key and mails
the stack's SMTP sink, where they are read (``GET /messages``), compared with what WordPress's own
``wp_new_user_notification`` sends for a user it registered.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.cdc.harness import query
from tests.extracted.content.content_process import wait_for
from tests.extracted.users.registration.registration_flow import set_password_and_log_in
from tests.extracted.users.registration.test_legacy_sync_live import _comparable, wordpress_mails
from tests.extracted.users.test_users_live import events_of
from tests.stack_fixture import StackHandle

pytestmark = pytest.mark.stack
#: what nginx or a server adds, not WordPress
TRANSPORT_HEADERS = {"date", "server", "connection", "transfer-encoding", "content-length"}


@dataclass
class Service:
    url: str
    public_host: str
    #: the stack's SMTP sink's HTTP API
    mail_url: str
    extensions_url: str

    def health(self) -> dict[str, object]:
        document: dict[str, object] = httpx.get(f"{self.url}/healthz", timeout=5).json()
        return document

    def announcer_idle(self) -> bool:
        """No user waits to be announced and no event waits to be published."""
        workers = self.health()["workers"]
        assert isinstance(workers, dict)
        return bool(workers["announcer"]["pending"] == 0 and workers["relay"]["pending"] == 0)

    def sync(self) -> dict[str, object]:
        workers = self.health()["workers"]
        assert isinstance(workers, dict)
        found: dict[str, object] = workers["legacy_sync"]
        return found

    def site_emails(self) -> dict[str, object]:
        workers = httpx.get(f"{self.extensions_url}/healthz", timeout=5).json()["workers"]
        found: dict[str, object] = workers["extension-site-emails"]
        return found

    def post(self, login: str, email: str | None = None, headers: dict[str, str] | None = None) -> httpx.Response:
        form = {"user_login": login, "user_email": email or f"{login}@example.test", "redirect_to": "",
                "wp-submit": "Register"}  # fmt: skip
        return httpx.post(f"{self.url}/wp-login.php?action=register", data=form, timeout=30,
                          headers={"Host": self.public_host, **(headers or {})})  # fmt: skip

    def mails_to(self, address: str) -> list[bytes]:
        """The raw mails the stack's sink caught for ``address``, oldest first."""
        listed = httpx.get(f"{self.mail_url}/messages", params={"to": address}, timeout=5).json()["messages"]
        return [httpx.get(f"{self.mail_url}/messages/{mail['id']}/raw", timeout=5).content for mail in listed]

    def wait_for_mails(self, address: str, count: int = 1, containing: str = "") -> list[bytes]:
        def found() -> list[bytes]:
            return [raw for raw in self.mails_to(address) if containing.encode() in raw]

        wait_for(lambda: len(found()) >= count, 60, interval=0.1)
        return found()


@pytest.fixture(scope="module")
def service(stack: StackHandle) -> Service:
    assert stack.stack is not None
    components = stack.refresh()
    query(stack.components, "UPDATE wp_options SET option_value = '1' WHERE option_name = 'users_can_register'")
    public = httpx.URL(components["proxy"]["url"]).netloc.decode()
    found = Service(components["users"]["url"], public, components["mail"]["url"], components["extensions"]["url"])
    form = f"{found.url}/wp-login.php?action=register"
    wait_for(lambda: httpx.get(form, headers={"Host": public}).status_code == 200, 30)  # the option arrived
    return found


def wordpress_user(stack: StackHandle, login: str) -> int | None:
    found = query(stack.components, "SELECT ID FROM wp_users WHERE user_login = %s", (login,))
    return int(found[0][0]) if found else None


def _headers(answer: httpx.Response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in answer.headers.multi_items() if k not in TRANSPORT_HEADERS]


def mailed_link(service: Service, login: str) -> str:
    (mail,) = service.wait_for_mails(f"{login}@example.test")
    body = mail.split(b"\r\n\r\n", 1)[1].decode()
    found = re.search(r"(http://\S+action=rp&key=[A-Za-z0-9]{20}&login=\S+)", body)
    assert found is not None, body
    return found.group(1)


def register_through_wordpress(stack: StackHandle, login: str) -> httpx.Response:
    form = {"user_login": login, "user_email": f"{login}@example.test", "redirect_to": "", "wp-submit": "Register"}
    with httpx.Client(base_url=stack.components["proxy"]["url"], timeout=60) as client:
        return client.post("/wp-login.php?action=register", data=form)


def test_a_registration_is_one_event_one_wordpress_user_and_a_login(stack: StackHandle, service: Service) -> None:
    bootstrap = stack.components["kafka"]["bootstrap"]
    reference, login = f"wpreg{uuid.uuid4().hex[:8]}", f"svcreg{uuid.uuid4().hex[:8]}"
    theirs = register_through_wordpress(stack, reference)
    ours = service.post(login)
    assert (ours.status_code, ours.content) == (302, b"")
    assert _headers(ours) == _headers(theirs), (_headers(ours), _headers(theirs))
    wait_for(lambda: wordpress_user(stack, login) is not None, 20, interval=0.05)
    user_id = wordpress_user(stack, login)
    assert user_id is not None
    wait_for(lambda: len(events_of(bootstrap, user_id)) >= 1, 20, interval=0.1)
    wait_for(lambda: bool(service.sync()["synced"]) and not service.sync()["pending"], 20, interval=0.05)
    wait_for(lambda: bool(service.health()["caught_up"]), 20, interval=0.05)  # the sync's echo is consumed
    wait_for(service.announcer_idle, 30, interval=0.05)  # the echo was judged: nothing pending
    (registered,) = events_of(bootstrap, user_id)  # schema-valid, and still the only one after the echo
    assert registered["type"] == "user.registered" and registered["data"]["login"] == login
    assert registered["data"]["roles"] == ["subscriber"] and registered["data"]["email"] == f"{login}@example.test"
    assert not {"pass", "user_pass", "activation_key", "user_activation_key"} & registered["data"].keys()
    logged_in = set_password_and_log_in(mailed_link(service, login), login)
    assert logged_in.status_code == 302 and "/wp-admin/" in logged_in.headers["location"], logged_in.text[:300]
    assert any(name.startswith("wordpress_logged_in_") for name in logged_in.cookies)
    again = service.post(login)  # the service knows its own user
    assert again.status_code == 200 and "This username is already registered" in again.text


def admin_email(stack: StackHandle) -> str:
    return str(query(stack.components, "SELECT option_value FROM wp_options WHERE option_name = 'admin_email'")[0][0])


def test_the_mails_come_from_site_emails_as_wordpress_sends_them(
    stack: StackHandle, service: Service, tmp_path: Path
) -> None:
    """The admin's "New User Registration" and the user's "Login Details" reach the stack's sink from the
    site-emails extension, equal to WordPress's own wp_new_user_notification for a user it registered
    (but X-Mailer, Date, Message-ID and the key); WordPress's own registration gets none from it."""
    reference, login = f"wpmails{uuid.uuid4().hex[:8]}", f"svcmails{uuid.uuid4().hex[:8]}"
    handled_before = int(str(service.site_emails()["handled"]))
    assert register_through_wordpress(stack, reference).status_code == 302
    reference_id = wordpress_user(stack, reference)
    assert reference_id is not None
    theirs = wordpress_mails(stack, reference_id, tmp_path)
    assert service.post(login).status_code == 302
    (details,) = service.wait_for_mails(f"{login}@example.test")
    (notice,) = service.wait_for_mails(admin_email(stack), containing=f"Username: {login}\r\n")
    assert len(theirs) == 2
    assert _comparable(notice, login) == _comparable(theirs[0], reference)
    assert _comparable(details, login) == _comparable(theirs[1], reference)
    # both user.registered events went through site-emails: only the service's was mailed
    wait_for(lambda: int(str(service.site_emails()["handled"])) >= handled_before + 2, 30, interval=0.1)
    assert not service.mails_to(f"{reference}@example.test")
    assert not any(f"Username: {reference}\r\n".encode() in raw for raw in service.mails_to(admin_email(stack)))
    assert service.site_emails()["dead_lettered"] == 0
    assert not {key for key in service.sync() if "mail" in key}  # the users service sends none


def test_registration_works_while_wordpress_is_stopped(stack: StackHandle, service: Service) -> None:
    assert stack.stack is not None
    wordpress = stack.stack.component("wordpress")
    login = f"offline{uuid.uuid4().hex[:8]}"
    wordpress.stop()  # php-fpm and nginx
    try:
        with pytest.raises(httpx.HTTPError):
            httpx.get(stack.components["wordpress"]["url"], timeout=5)
        answer = service.post(login)
        assert answer.status_code == 302, answer.text[:300]
        wait_for(lambda: wordpress_user(stack, login) is not None, 20, interval=0.05)
    finally:
        wordpress.launch()
        wordpress.wait_ready()
    logged_in = set_password_and_log_in(mailed_link(service, login), login)
    assert logged_in.status_code == 302 and "/wp-admin/" in logged_in.headers["location"]


def test_a_dry_run_answers_the_same_and_does_nothing(stack: StackHandle, service: Service) -> None:
    login = f"dry{uuid.uuid4().hex[:8]}"
    before = service.sync()
    dry = service.post(login, headers={"X-Strangler-Dry-Run": "1"})
    error = service.post("", headers={"X-Strangler-Dry-Run": "1"})  # an error: the form with it
    assert dry.status_code == 302 and dry.headers["location"] == "/wp-login.php?checkemail=registered"
    assert error.status_code == 200 and "Please enter a username" in error.text
    time.sleep(1.0)
    after = service.sync()
    assert (after["pending"], after["synced"], after["written"]) == (before["pending"], before["synced"],
                                                                     before["written"])  # fmt: skip
    assert wordpress_user(stack, login) is None and not service.mails_to(f"{login}@example.test")
    assert service.post(login).status_code == 302  # the dry run took nothing


def test_a_dry_run_judges_as_of_the_visitor_s_request(stack: StackHandle, service: Service) -> None:
    """WordPress registered the visitor before the proxy sent the service its copy, and CDC brought that
    user to the service already: the copy is judged as of the request's start."""
    login = f"echo{uuid.uuid4().hex[:8]}"
    started_ms = int(time.time() * 1000)
    assert register_through_wordpress(stack, login).status_code == 302
    other, dry = f"other{login}@example.test", {"X-Strangler-Dry-Run": "1"}
    wait_for(lambda: service.post(login, other, dry).status_code == 200, 20, interval=0.1)  # CDC brought the user
    copy = service.post(login, headers={"X-Strangler-Dry-Run": "1", "X-Strangler-Request-Start": str(started_ms)})
    assert copy.status_code == 302, copy.text[:300]
    without_start = service.post(login, headers={"X-Strangler-Dry-Run": "1"})  # the look-back window
    assert without_start.status_code == 302
    taken = service.post(login, other, dry)  # another submission with that login: WordPress's user counts
    assert taken.status_code == 200 and "This username is already registered" in taken.text
