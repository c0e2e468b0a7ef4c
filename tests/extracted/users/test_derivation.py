"""Events derived from user state as WordPress 6.1 writes it, statement by statement."""

from __future__ import annotations

import inspect
from dataclasses import replace

import pytest

from extracted.users.announcer import Announcer
from extracted.users.derivation import Announced, Pending, UserState, decide, roles_of

SUBSCRIBER = 'a:1:{s:10:"subscriber";b:1;}'
EDITOR = 'a:1:{s:6:"editor";b:1;}'
SETTLE, WAIT_MS = 100, 2000


def _user(**meta: str) -> UserState:
    return UserState(7, "ada", "ada", "ada@example.com", "", "ada", 1_700_000_000_000, meta)


def _profile_meta() -> dict[str, str]:
    return {"nickname": "ada", "first_name": "", "last_name": "", "description": "", "locale": ""}


def _decide(user: UserState | None, announced: Announced | None, first: int, last: int, now: int):  # type: ignore[no-untyped-def]
    return decide(7, user, announced, Pending(first, last), now, settle_ms=SETTLE, wait_ms=WAIT_MS)


def test_a_registration_is_announced_once_with_profile_and_role() -> None:
    row_only = _user()
    assert not _decide(row_only, None, 0, 0, 500).ready  # no role yet: the meta is on its way
    with_profile = _user(**_profile_meta(), rich_editing="true")
    assert not _decide(with_profile, None, 0, 10, 500).ready
    complete = _user(**_profile_meta(), wp_capabilities=SUBSCRIBER, wp_user_level="0")
    assert not _decide(complete, None, 0, 20, 50).ready  # still settling
    decision = _decide(complete, None, 0, 20, 20 + SETTLE)
    assert decision.ready
    (event,) = decision.events
    assert event.type == "user.registered"
    assert event.version == 1
    assert event.data == {
        "id": 7, "login": "ada", "nicename": "ada", "display_name": "ada", "email": "ada@example.com", "url": "",
        "registered": "2023-11-14T22:13:20Z", "roles": ["subscriber"], "nickname": "ada", "first_name": "",
        "last_name": "", "description": "", "locale": "",
    }  # fmt: skip
    # then default_password_nag and the activation key: no profile change, nothing to announce
    later = replace(complete, meta={**complete.meta, "default_password_nag": "1", "session_tokens": "a:0:{}"})
    after = _decide(later, decision.announced, 100, 100, 100 + SETTLE)
    assert after.ready
    assert after.events == ()


def test_a_user_without_a_role_is_announced_after_the_bounded_wait() -> None:
    user = _user(**_profile_meta())
    assert not _decide(user, None, 0, 0, WAIT_MS - 1).ready
    decision = _decide(user, None, 0, 0, WAIT_MS)
    assert [event.data["roles"] for event in decision.events] == [[]]


def test_a_role_that_comes_seconds_after_the_row_is_still_waited_for() -> None:
    """A loaded machine can take seconds between ``wp_users`` and ``wp_capabilities``: the registration
    waits for the role (it was announced with none, then a role change, under a load of 60)."""
    wait_ms = inspect.signature(Announcer).parameters["wait_ms"].default
    assert wait_ms >= 10_000
    slow_role = _user(**_profile_meta())
    assert not decide(7, slow_role, None, Pending(0, 0), 5_000, settle_ms=SETTLE, wait_ms=wait_ms).ready


def test_a_profile_edit_carries_only_the_changed_fields() -> None:
    announced = Announced({**_user().profile(), **_profile_meta()}, ("subscriber",), 1)
    edited = replace(_user(**_profile_meta(), wp_capabilities=SUBSCRIBER), display_name="Ada L.", url="https://ada.dev")
    edited = replace(edited, meta={**edited.meta, "first_name": "Ada"})
    (event,) = _decide(edited, announced, 0, 0, SETTLE).events
    assert event.type == "user.profile_updated"
    assert event.version == 2
    assert event.data == {"id": 7, "changed": {"display_name": "Ada L.", "url": "https://ada.dev", "first_name": "Ada"}}


def test_a_role_change_is_announced_with_the_previous_roles() -> None:
    meta = {**_profile_meta(), "wp_capabilities": EDITOR}
    announced = Announced(_user(**meta).profile(), ("subscriber",), 3)
    (event,) = _decide(_user(**meta), announced, 0, 0, SETTLE).events
    assert (event.type, event.version) == ("user.role_changed", 4)
    assert event.data == {"id": 7, "roles": ["editor"], "previous_roles": ["subscriber"]}


def test_a_deletion_is_one_event_not_a_role_change_and_a_profile_wipe() -> None:
    announced = Announced({**_user().profile(), **_profile_meta(), "nickname": "ada"}, ("subscriber",), 2)
    # wp_delete_user() removes the meta rows first: the nickname is gone, then the capabilities
    half_deleted = _user(wp_capabilities=SUBSCRIBER)
    assert not _decide(half_deleted, announced, 0, 0, SETTLE).ready
    assert not _decide(_user(), announced, 0, 5, SETTLE + 5).ready
    (event,) = _decide(None, announced, 0, 10, 10).events
    assert (event.type, event.data, event.version) == ("user.deleted", {"id": 7}, 3)


def test_a_user_deleted_before_it_was_announced_makes_no_event() -> None:
    decision = _decide(None, None, 0, 0, 0)
    assert decision.ready
    assert decision.events == ()


@pytest.mark.parametrize(
    ("capabilities", "roles"),
    [(SUBSCRIBER, ("subscriber",)), ('a:2:{s:6:"editor";b:1;s:12:"edit_posts_x";b:1;}', ("editor",)),
     ('a:1:{s:6:"author";b:0;}', ("author",)), ("a:0:{}", ()), ("not serialized", ()), ("s:3:\"abc\";", ())],
)  # fmt: skip
def test_roles_are_the_capability_keys_that_are_roles(capabilities: str, roles: tuple[str, ...]) -> None:
    assert roles_of({"wp_capabilities": capabilities}) == roles


def test_no_capabilities_meta_means_roles_unknown() -> None:
    assert roles_of({}) is None
