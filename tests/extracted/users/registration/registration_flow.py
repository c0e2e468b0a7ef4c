"""A new user's first steps through WordPress: the set-password link of the mail, then the login."""

from __future__ import annotations

import re
import uuid

import httpx


def set_password_and_log_in(link: str, login: str) -> httpx.Response:
    """Follow ``link`` (``wp-login.php?action=rp&key=…&login=…``) as a browser does, set a new password
    (``resetpass``), then log in with it; returns the login POST's answer (302 to wp-admin on success)."""
    password = f"Pw-{uuid.uuid4().hex}"
    url = httpx.URL(link)
    with httpx.Client(timeout=60) as visitor:
        opened = visitor.get(url)  # WordPress keeps the key in a cookie and redirects
        assert opened.status_code == 302 and "action=rp" in opened.headers["location"], opened.text[:300]
        form = visitor.get(url.copy_with(query=b"action=rp"))
        rp_key = re.search(r'name="rp_key" value="([^"]+)"', form.text)
        assert rp_key is not None, form.text[:500]
        reset = visitor.post(url.copy_with(query=b"action=resetpass"),
                             data={"pass1": password, "pass2": password, "rp_key": rp_key.group(1)})  # fmt: skip
        assert "Your password has been reset" in reset.text, reset.text[:800]
        login_page = url.copy_with(query=None)
        visitor.get(login_page)  # WordPress's test cookie
        return visitor.post(login_page, data={"log": login, "pwd": password, "testcookie": "1"})
