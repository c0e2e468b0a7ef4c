"""The pure pieces of registration: phpass and sanitize_title against WordPress's own PHP, the service's
settings, and the settings file the stack writes (the mails are the site-emails extension's now:
tests/extracted/extensions/site_emails/test_site_emails_new_user.py)."""

from __future__ import annotations

import json
import random
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from cli.stack.services import ExtractedService
from cli.stack.settings import Secrets, StackSettings
from extracted.formatting.phpass import check_password, generate_password, hash_password
from extracted.runtime import ConfigurationError
from extracted.runtime.legacy import LegacyDatabase, SmtpServer, load_settings, parse_settings
from extracted.users.internal_api import internal_token
from extracted.users.registration.newuser import sanitize_title

WORDPRESS = Path("/usr/share/wordpress")
needs_php = pytest.mark.skipif(shutil.which("php") is None or not (WORDPRESS / "wp-includes").is_dir(),
                               reason="php-cli and the installed WordPress are needed")  # fmt: skip


def php(code: str, payload: object) -> object:
    """``code`` with WordPress's formatting and phpass loaded; ``$in`` is ``payload``, the answer ``$out``."""
    prelude = (
        'define("ABSPATH", "/usr/share/wordpress/"); define("WPINC", "wp-includes");'
        'foreach (["plugin", "functions", "formatting", "class-phpass"] as $f) require ABSPATH . WPINC . "/$f.php";'
        'add_filter("sanitize_title", "sanitize_title_with_dashes", 10, 3);'
        "$in = json_decode(stream_get_contents(STDIN), true);"
    )
    result = subprocess.run(["php", "-r", prelude + code + "echo json_encode($out);"], input=json.dumps(payload),
                            capture_output=True, text=True, check=True, timeout=120)  # fmt: skip
    return json.loads(result.stdout)


@needs_php
def test_phpass_hashes_check_both_ways_with_wordpress() -> None:
    secrets = ["", "a", generate_password(20), "pässwörd ünïcode", "x" * 200]
    ours = [hash_password(secret) for secret in secrets]
    checked = php('$h = new PasswordHash(8, true); $out = array_map(fn($p) => $h->CheckPassword($p[0], $p[1]), $in);',
                  [[s, h] for s, h in zip(secrets, ours, strict=True)])  # fmt: skip
    assert checked == [True] * len(secrets)
    theirs = php("$h = new PasswordHash(8, true); $out = array_map(fn($p) => $h->HashPassword($p), $in);", secrets)
    assert isinstance(theirs, list)
    assert [check_password(s, h) for s, h in zip(secrets, theirs, strict=True)] == [True] * len(secrets)
    assert not check_password("other", ours[2]) and all(h.startswith("$P$B") and len(h) == 34 for h in ours)


@needs_php
def test_nicenames_are_wordpress_s_sanitize_title_of_every_kind_of_login() -> None:
    rng = random.Random(14)
    alphabet = "aZ09 _.-@"
    logins = ["Ada.Lovelace", "a@b.c", "--x__y  z--", "@@", "...", "A-b-.-c", "x" * 60, "  lead", "UP per"]
    logins += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(300)]
    theirs = php("$out = array_map(fn($l) => sanitize_title(mb_substr($l, 0, 50)), $in);", logins)
    assert [sanitize_title(login[:50]) for login in logins] == theirs


def test_the_settings_are_checked_field_by_field(tmp_path: Path) -> None:
    good = {"wordpress_database": {"host": "db", "port": 3306, "user": "wp", "password": "s3cret",
                                   "database": "wordpress"}, "smtp": {"host": "mail", "port": 25}}  # fmt: skip
    settings = parse_settings(good)
    assert settings.database == LegacyDatabase("db", 3306, "wp", "s3cret", "wordpress", "wp_")
    assert settings.smtp == SmtpServer("mail", 25) and "s3cret" not in repr(settings)
    assert parse_settings({"smtp": None}).database is None and load_settings("").database is None
    for broken, message in [
        ({"wordpress_database": {**good["wordpress_database"], "port": 0}}, "wordpress_database.port"),
        ({"wordpress_database": {**good["wordpress_database"], "port": "3306"}}, "must be int"),
        ({"wordpress_database": {"host": "db"}}, "wordpress_database.port: missing"),
        ({"wordpress_database": {**good["wordpress_database"], "table_prefix": "wp-"}}, "table_prefix"),
        ({"smtp": {"host": "mail", "port": True}}, "smtp.port: must be int, not bool"),
        ({"smtp": "mail:25"}, "smtp: must be an object"),
        ([], "a JSON object"),
    ]:
        with pytest.raises(ConfigurationError, match=message):
            parse_settings(broken)
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ConfigurationError, match=r"bad\.json"):
        load_settings(str(tmp_path / "bad.json"))


def test_the_stack_hands_every_service_its_settings_in_a_private_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.capabilities import load_registry
    from cli.stack.processes import ProcessTable

    monkeypatch.setenv("STRANGLER_SMTP", "127.0.0.1:2525")
    ports = {"mariadb": 13306, "users": 18020, "kafka": 19092, "proxy": 18000}
    settings = StackSettings(home=tmp_path, ports=ports, secrets=Secrets())
    service = ExtractedService(settings, ProcessTable(tmp_path / "run", tmp_path / "logs"), load_registry()["users"])
    arguments = service.arguments()
    path = Path(arguments[arguments.index("--settings") + 1])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    parsed = load_settings(str(path))
    assert parsed.database == LegacyDatabase("127.0.0.1", 13306, "wordpress", settings.secrets.wordpress_db_password,
                                             "wordpress", "wp_")  # fmt: skip
    assert parsed.smtp == SmtpServer("127.0.0.1", 2525)
    assert settings.secrets.wordpress_db_password not in " ".join(arguments)
    # the users service's internal API token, and site-emails' way to it (the same token)
    document = json.loads(path.read_text())
    token = internal_token(str(path))
    assert len(token) == 64 and token not in " ".join(arguments)
    assert document["extensions"]["site-emails"] == {"users_url": "http://127.0.0.1:18020", "users_token": token}
    again = ExtractedService(settings, ProcessTable(tmp_path / "run", tmp_path / "logs"), load_registry()["users"])
    assert again.service_settings()["internal_token"] == token  # stable: derived from the stack's secrets
