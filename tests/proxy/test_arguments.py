"""Request arguments as PHP reads them: unit cases, and the same cases differentially against the installed
PHP (``php -S``, whose SAPI parses ``$_GET``/``$_POST``/``$_REQUEST`` with the code PHP-FPM uses)."""

from __future__ import annotations

import contextlib
import http.client
import json
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from proxy.arguments import MAX_INPUT_VARS, Arguments, parse_arguments, php_name, request_arguments
from tests.proxy.proxy_processes import free_port


def values(arguments: Arguments | None) -> dict[bytes, bytes | None] | None:
    return None if arguments is None else {name: argument.value for name, argument in arguments.items()}


@pytest.mark.parametrize(
    ("raw", "registered"),
    [
        (b"action", (b"action", False)),
        (b" action", (b"action", False)),  # leading spaces dropped
        (b"act.ion", (b"act_ion", False)),
        (b"act ion", (b"act_ion", False)),
        (b"action\0junk", (b"action", False)),  # the name ends at a NUL byte
        (b"action[]", (b"action", True)),
        (b"action[x][y]", (b"action", True)),
        (b"action[", (b"action_", False)),  # no ']': not an array, '[' becomes '_'
        (b"a[b.c d", (b"a_b_c_d", False)),
        (b"a.b[c.d]", (b"a_b", True)),
        (b"[x]", None),
        (b"", None),
        (b"   ", None),
    ],
)
def test_php_name(raw: bytes, registered: tuple[bytes, bool] | None) -> None:
    assert php_name(raw) == registered


def test_parse_decodes_and_the_last_duplicate_wins() -> None:
    parsed = parse_arguments(b"action=login&action=register&%61ction2=re%67ister&+x=a+b&flag&&e=")
    assert values(parsed) == {b"action": b"register", b"action2": b"register", b"x": b"a b", b"flag": b"", b"e": b""}
    assert parsed is not None and parsed[b"action"].raw_names == (b"action", b"action")
    assert parsed[b"action2"].raw_names == (b"%61ction2",)
    assert values(parse_arguments(b"action=register&action[]=x")) == {b"action": None}  # an array now
    assert values(parse_arguments(b"action[]=x&action=register")) == {b"action": b"register"}
    assert values(parse_arguments(b"a=%zz%4")) == {b"a": b"%zz%4"}  # broken escapes stay as they are


def test_more_arguments_than_php_reads_are_unknown() -> None:
    assert parse_arguments(b"&".join([b"a=1"] * MAX_INPUT_VARS)) is not None
    assert parse_arguments(b"&".join([b"a=1"] * MAX_INPUT_VARS) + b"&action=register") is None
    assert request_arguments(b"action=register", b"&".join([b"a=1"] * (MAX_INPUT_VARS + 1))) is None


def test_the_body_overrides_the_query() -> None:
    merged = request_arguments(b"action=register&redirect_to=x", b"action=login&log=admin")
    assert values(merged) == {b"action": b"login", b"redirect_to": b"x", b"log": b"admin"}
    assert merged is not None and merged[b"action"].raw_names == (b"action", b"action")
    assert values(request_arguments(b"a[]=1", b"a[]=2")) == {b"a": None}
    assert values(request_arguments(b"a[]=1", b"a=2")) == {b"a": b"2"}
    assert values(request_arguments(b"a=1", b"a[x]=2")) == {b"a": None}


# (query, urlencoded body or None): every case compared with PHP's own $_REQUEST
DIFFERENTIAL = [
    ("action=register", None),
    ("action=login&action=register", None),
    ("action=register&action=login", None),
    ("%61ction=register&act%69on=rp", None),
    ("+action=register&%20%20action=x", None),
    ("act.ion=1&act+ion=2&a%2Eb=3", None),
    ("action%00junk=register", None),
    ("action=reg%00ister", None),
    ("action[]=register", None),
    ("action[]=x&action=register", None),
    ("action=register&action[a]=x", None),
    ("action[=1&b[c=2&d[e.f%20g=3&h[i]j=4&k[%20=5", None),
    ("[x]=1&=2&&&flag&e=", None),
    ("a=%zz%4&b=%C3%A9&c=%e9&d=a+b%2Bc", None),
    ("action%5B%5D=register&action%20=x&a[%20]=1&0=zero&007=x", None),
    ("action=register", "user_login=bob&user_email=b%40example.test"),
    ("action=register", "action=login&log=admin&pwd=secret"),
    ("action=register", "action[]=register"),
    ("action[]=x", "action=register"),
    ("a[]=1", "a[]=2&a[k]=3"),
    ("", "%61ction=register&+b=1&c.d=2&e[=3"),
]


@pytest.fixture(scope="module")
def php_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if shutil.which("php") is None:
        pytest.skip("php-cli is not installed")
    root = tmp_path_factory.mktemp("php")
    (root / "router.php").write_text(
        "<?php\n"
        "$out = [];\n"
        "foreach ($_REQUEST as $k => $v) { $out[bin2hex((string) $k)] = is_array($v) ? null : bin2hex($v); }\n"
        "header('Content-Type: application/json');\n"
        "echo json_encode(['request' => (object) $out, 'order' => ini_get('request_order')]);\n"
    )
    port = free_port()
    process = subprocess.Popen(
        ["php", "-S", f"127.0.0.1:{port}", str(root / "router.php")],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                php_request(port, "", None)
                break
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def php_request(port: int, query: str, body: str | None) -> dict[str, object]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
        connection.request("POST" if body is not None else "GET", "/wp-login.php?" + query, body, headers)
        answer: dict[str, object] = json.loads(connection.getresponse().read())
        return answer
    finally:
        connection.close()


@pytest.mark.php
def test_installed_php_reads_request_arguments_the_same_way(php_server: int) -> None:
    for query, body in DIFFERENTIAL:
        answer = php_request(php_server, query, body)
        assert answer["order"] == "GP"  # the installed php.ini's request_order: the body wins over the URL
        ours = request_arguments(query.encode(), None if body is None else body.encode())
        expected = {name.hex(): None if value is None else value.hex() for name, value in (values(ours) or {}).items()}
        assert answer["request"] == expected, (query, body)
