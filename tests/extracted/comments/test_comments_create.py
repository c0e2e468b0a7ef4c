"""Writes to ``/wp/v2/comments[/ID]`` on a store fed WordPress-shaped change events: WordPress 6.1's answers
to a visitor (arguments checked in its order, JSON errors, the login it asks for, ``Allow``), what is
declined, and that nothing is ever stored.

The bytes are checked against WordPress itself by ``test_comments_create_live.py``; these tests pin the
rules. PHP's own ``json_decode`` and ``Requests_IPv6::check_ipv6`` are asked where php-cli is installed.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Connection, func, select
from starlette.applications import Starlette
from starlette.datastructures import Headers

from extracted.comments import schema
from extracted.comments.app import ENDPOINTS
from extracted.comments.create import answer_write, declined_write, write_answer
from extracted.comments.site import load_site
from extracted.comments.write_args import is_ipv6
from extracted.comments.write_params import JsonError, WriteRequest, json_content, php_json_decode
from extracted.rest import Reply, ServiceUnavailableError, rest_routes, rest_write_routes, store_answer
from extracted.runtime import Store
from tests.extracted.comments.test_comments_api import HOME, _event, apply
from tests.extracted.comments.test_comments_api import store as api_store  # noqa: F401 - the fixture

LOGIN = (b'{"code":"rest_comment_login_required","message":"Sorry, you must be logged in to comment.",'
         b'"data":{"status":401}}')  # fmt: skip
FORM, JSON = "application/x-www-form-urlencoded", "application/json"
IPV6 = Path("/usr/share/wordpress/wp-includes/Requests/IPv6.php")


@pytest.fixture
def db(api_store: Store) -> Iterator[Connection]:  # noqa: F811 - the imported fixture
    with api_store.engine.connect() as connection:
        yield connection


def write(db: Connection, method: str, url: str, body: bytes = b"", content_type: str | None = None) -> Reply:
    route, _, query = url.partition("?")
    return answer_write(db, load_site(db), WriteRequest(method, route, query, body, content_type))


def error(reply: Reply) -> Any:
    return json.loads(reply.body)


def header(reply: Reply, name: str) -> str | None:
    return next((value for key, value in reply.headers if key == name), None)


def declined(db: Connection, method: str, url: str, body: bytes = b"", content_type: str | None = None) -> str:
    with pytest.raises(ServiceUnavailableError) as raised:
        write(db, method, url, body, content_type)
    return raised.value.unavailable


def test_a_visitor_is_asked_to_log_in_after_the_arguments_pass(db: Connection) -> None:
    reply = write(db, "POST", "/wp/v2/comments", b"post=10&content=Hello&author_name=Ann&author_email=a@example.org",
                  FORM)  # fmt: skip
    assert (reply.status, reply.body) == (401, LOGIN)
    assert [name for name, _ in reply.headers] == [
        "Content-Type", "X-Robots-Tag", "Link", "X-Content-Type-Options", "Access-Control-Expose-Headers",
        "Access-Control-Allow-Headers",
    ]  # fmt: skip  # no Allow (a POST has no status default: GET's check fails), no Vary (not a GET)
    assert header(reply, "Link") == f'<{HOME}/wp-json/>; rel="https://api.w.org/"'
    assert write(db, "POST", "/wp/v2/comments").body == LOGIN  # nothing at all
    assert write(db, "POST", "/wp/v2/comments/", b'"a string"', JSON).body == LOGIN  # not an object: no parameters
    assert write(db, "POST", "/wp/v2/COMMENTS", b"post=1", "text/plain").body == LOGIN  # a body PHP does not read


def test_registration_required_or_not_the_answer_is_the_same(db: Connection, api_store: Store) -> None:  # noqa: F811
    before = write(db, "POST", "/wp/v2/comments", b"post=10", FORM)
    option = {"option_id": 99, "option_name": "comment_registration", "option_value": "1"}
    apply(api_store, _event("wp_options", option))
    assert write(db, "POST", "/wp/v2/comments", b"post=10", FORM) == before


def test_every_invalid_argument_in_registration_order(db: Connection) -> None:
    body = b"meta=1&status[]=x&post=abc&parent=1.5&date=yesterday&author_ip=1.2.3&author_email=x&author=a&content[]=1"
    reply = write(db, "POST", "/wp/v2/comments", body, FORM)
    found = error(reply)
    assert reply.status == 400 and found["code"] == "rest_invalid_param"
    assert found["message"] == "Invalid parameter(s): author, author_ip, date, parent, post, status, meta"
    assert found["data"]["params"]["meta"] == "Invalid parameter." and "meta" not in found["data"]["details"]
    ip_error = {"code": "rest_invalid_ip", "message": "author_ip is not a valid IP address.", "data": None}
    assert found["data"]["details"]["author_ip"] == ip_error
    assert found["data"]["details"]["post"]["data"] == {"param": "post"}
    assert "author_email" not in found["data"]["params"]  # checked only while sanitizing, which did not happen
    assert header(reply, "Allow") is None


def test_an_email_is_checked_in_every_source_while_sanitized(db: Connection) -> None:
    reply = write(db, "POST", "/wp/v2/comments?author_email=bad", b'{"author_email": "good@example.org"}', JSON)
    assert error(reply)["data"]["params"] == {"author_email": "Invalid email address."}
    for fine in (b"author_email=", b"author_email=0", b"author_email=ok@example.org"):
        assert write(db, "POST", "/wp/v2/comments", fine, FORM).body == LOGIN
    assert error(write(db, "POST", "/wp/v2/comments", b'{"author_email": []}', JSON))["data"]["params"] == {
        "author_email": "Invalid email address."}  # fmt: skip  # (string) [] is "Array"
    assert write(db, "POST", "/wp/v2/comments", b'{"author_email": false}', JSON).body == LOGIN


@pytest.mark.parametrize(("body", "content_type", "invalid"), [
    (b'{"post": "abc"}', JSON, ["post"]), (b'{"post": " 5 ", "parent": 1.0}', JSON, []),
    (b'{"author": 1.5}', JSON, ["author"]),
    (b'{"author": true}', JSON, ["author"]), (b'{"author": "1e400"}', JSON, []), (b'{"post": null}', JSON, []),
    (b'{"date": "2024-02-30T00:00:00"}', JSON, []), (b'{"date": "2024-01-01T00:00:00z"}', JSON, ["date"]),
    (b'{"date_gmt": "2024-13-01T00:00:00"}', JSON, ["date_gmt"]), (b'{"date": 20240101}', JSON, ["date"]),
    (b"author_ip=::ffff:1.2.3.4&author_url=not%20a%20url", FORM, []), (b"author_ip=127.0.0.1%0A", FORM, []),
    (b"author_ip=1::2::3", FORM, ["author_ip"]), (b"author_ip=01.2.3.4", FORM, []),
    (b"author_ip=1.2.3.4.5", FORM, ["author_ip"]), (b'{"meta": []}', JSON, []), (b"meta[a]=1", FORM, []),
    (b'{"status": 1, "author_name": []}', JSON, ["author_name", "status"]),
    (b'{"content": 5, "type": "pingback", "id": "x"}', JSON, []),
])  # fmt: skip
def test_argument_types_as_php_holds_them(db: Connection, body: bytes, content_type: str, invalid: list[str]) -> None:
    reply = write(db, "POST", "/wp/v2/comments", body, content_type)
    assert (list(error(reply)["data"]["params"]) if reply.status == 400 else []) == invalid, reply.body


def test_sources_in_wordpress_order(db: Connection) -> None:
    assert error(write(db, "POST", "/wp/v2/comments?post=1", b'{"post": "abc"}', JSON))["data"]["params"] == {
        "post": "post is not of type integer."}  # fmt: skip  # JSON first
    assert write(db, "POST", "/wp/v2/comments?post=abc", b'{"post": 1}', JSON).status == 401  # the query's not read
    assert write(db, "POST", "/wp/v2/comments?post=abc", b"post=1", FORM).status == 401  # the form before the query
    assert write(db, "PUT", "/wp/v2/comments/1", b"author_ip=x").status == 400  # other methods: a body without a type


def test_invalid_json_as_php_reports_it(db: Connection) -> None:
    reply = write(db, "POST", "/wp/v2/comments", b'{"post": ', JSON)
    assert (reply.status, error(reply)) == (400, {"code": "rest_invalid_json", "message": "Invalid JSON body passed.",
                                                  "data": {"status": 400, "json_error_code": 4,
                                                           "json_error_message": "Syntax error"}})  # fmt: skip
    assert write(db, "POST", "/wp/v2/comments", b"0", JSON).body == LOGIN  # empty() in PHP: not decoded
    assert write(db, "POST", "/wp/v2/comments", b"post=1", "Application/JSON; charset=utf-8").status == 400
    assert error(write(db, "POST", "/wp/v2/comments", b"[" * 512 + b"]" * 512, JSON))["data"]["json_error_code"] == 1


@pytest.mark.parametrize(("body", "expected"), [
    (b'{"a":1}', {"a": 1}), (b"", JsonError(4, "Syntax error")), (b" ", JsonError(4, "Syntax error")),
    (b"NaN", JsonError(4, "Syntax error")), (b"\xef\xbb\xbf{}", JsonError(4, "Syntax error")),
    (b"[1,]", JsonError(4, "Syntax error")),
    (b'{"a":"\t"}', JsonError(3, "Control character error, possibly incorrectly encoded")),
    (b'{"a":1}\x00', JsonError(3, "Control character error, possibly incorrectly encoded")),
    (b'{"a":"\xff"}', JsonError(5, "Malformed UTF-8 characters, possibly incorrectly encoded")),
    (b'"\\ud800"', JsonError(10, "Single unpaired UTF-16 surrogate in unicode escape")),
    (b'"\\ud83d\\ude00"', "\U0001f600"),
    (b"[" * 511 + b"]" * 511, None), (b'{"a":' * 512 + b"1" + b"}" * 512, JsonError(1, "Maximum stack depth exceeded")),
    (b"-0", 0), (b"1e400", float("inf")), (b'{"\\u0000a":1}', {"\x00a": 1}),
])  # fmt: skip
def test_json_decode(body: bytes, expected: Any) -> None:
    decoded = php_json_decode(body)
    if expected is not None:
        assert decoded == expected


JSON_BODIES = [b'{"a":1}', b"", b" ", b"NaN", b"[1,]", b'{"a":"\t"}', b'{"a":1}\x00', b'{"a":"\xff"}', b'"\\ud800"',
               b"[" * 512 + b"]" * 512, b"[" * 511 + b"]" * 511, b'{"a":1}x', b'{"a":01}', b'"\\x"', b"\t{}\n",
               b'{"a"}', b'["a" "b"]', b'{"a":"b",}', b"tru", b'"\\u00"', b"\x01{}", b"\xff{}"]  # fmt: skip
PHP = subprocess.run(["which", "php"], check=False, capture_output=True).returncode == 0


@pytest.mark.skipif(not PHP, reason="php-cli is absent")
def test_json_decode_as_php_itself_decodes() -> None:
    script = "while (($l = fgets(STDIN)) !== false) { $v = json_decode(base64_decode($l), true); " \
             "echo json_encode([json_last_error(), json_last_error_msg()]), \"\\n\"; }"  # fmt: skip
    lines = "".join(__import__("base64").b64encode(body).decode() + "\n" for body in JSON_BODIES)
    answers = subprocess.run(["php", "-r", script], input=lines, capture_output=True, text=True, check=True).stdout
    for body, answer in zip(JSON_BODIES, answers.splitlines(), strict=True):
        code, message = json.loads(answer)
        try:
            decoded = php_json_decode(body)
        except ServiceUnavailableError:
            continue  # declined: WordPress answers
        found = decoded if isinstance(decoded, JsonError) else JsonError(0, "No error")
        assert found == JsonError(code, message), body


IPS = ["::1", "::", "1::", "::ffff:1.2.3.4", "2001:db8::1:0:0:1", "2001:DB8:0:0:0:0:0:1", "2001:db8:::1", "1::2::3",
       "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:1.2.3.4", "::1.2.3.04", "::1.2.3.256", "fe80::1%eth0",
       "g::1", "12345::", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1.2.3.4", "", ":", ":::", "1:2:3:4:5:6:7:8:",
       "0000::00", "::1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::9"]  # fmt: skip


@pytest.mark.skipif(not PHP or not IPV6.is_file(), reason="php-cli or WordPress is absent")
def test_ipv6_as_requests_checks_it() -> None:
    script = f"require '{IPV6}'; while (($l = fgets(STDIN)) !== false) {{ try {{ " \
             "echo Requests_IPv6::check_ipv6(rtrim($l, \"\\n\")) ? \"1\\n\" : \"0\\n\"; } " \
             "catch (\\Throwable $e) { echo \"E\\n\"; } }"  # fmt: skip
    answers = subprocess.run(["php", "-r", script], input="".join(ip + "\n" for ip in IPS), capture_output=True,
                             text=True, check=True).stdout.split()  # fmt: skip
    for ip, answer in zip(IPS, answers, strict=True):
        if answer == "E":  # PHP fails (str_repeat of a negative count): declined
            with pytest.raises(ServiceUnavailableError):
                is_ipv6(ip)
        else:
            assert is_ipv6(ip) == (answer == "1"), ip


def test_allow_names_get_when_the_listing_check_passes_for_the_request(db: Connection) -> None:
    assert header(write(db, "POST", "/wp/v2/comments?status=approve&type=comment"), "Allow") == "GET"
    assert header(write(db, "POST", "/wp/v2/comments?status=APPROVE&type=comment"), "Allow") == "GET"  # sanitize_key
    assert header(write(db, "POST", "/wp/v2/comments?status=approve&type=Comment"), "Allow") is None  # not an argument
    assert header(write(db, "POST", "/wp/v2/comments?status=approve&type=comment&post=11"), "Allow") is None  # private
    shadowed = write(db, "POST", "/wp/v2/comments?status=approve&type=comment&post=11", b'{"post": null}', JSON)
    assert header(shadowed, "Allow") == "GET"  # a JSON null sanitized to 0 comes first
    invalid = write(db, "POST", "/wp/v2/comments?status=approve&type=comment&post=abc")
    assert (invalid.status, header(invalid, "Allow")) == (400, "GET")
    assert header(write(db, "POST", "/wp/v2/comments?status=approve&type=comment&author_email=bad"), "Allow") is None
    assert header(write(db, "POST", "/wp/v2/comments?status=approve&type=comment&context=edit"), "Allow") is None
    assert write(db, "POST", "/wp/v2/comments?status=approve&type=comment&_envelope=1").body == (
        b'{"body":' + LOGIN + b',"status":401,"headers":{"Allow":"GET"}}')  # fmt: skip
    assert write(db, "POST", "/wp/v2/comments?_envelope=1&_fields=id").body == (
        b'{"body":' + LOGIN + b',"status":401,"headers":[]}')  # fmt: skip  # _fields leaves errors alone


def test_a_comments_update_and_delete(db: Connection) -> None:
    edit = write(db, "PUT", "/wp/v2/comments/1")
    assert (edit.status, error(edit)["code"], header(edit, "Allow")) == (401, "rest_cannot_edit", "GET")
    edit_message = "Sorry, you are not allowed to edit this comment."
    assert error(write(db, "PATCH", "/wp/v2/comments/2"))["message"] == edit_message
    held = write(db, "DELETE", "/wp/v2/comments/3")
    assert (error(held)["code"], header(held, "Allow")) == ("rest_cannot_delete", None)  # GET's check fails too
    assert error(write(db, "POST", "/wp/v2/comments/999"))["code"] == "rest_comment_invalid_id"
    assert error(write(db, "DELETE", "/wp/v2/comments/22"))["code"] == "rest_post_invalid_id"  # its post is gone
    assert error(write(db, "PUT", "/wp/v2/comments/21"))["code"] == "rest_cannot_edit"  # no post: not looked up
    assert error(write(db, "PUT", "/wp/v2/comments/1?id=999"))["code"] == "rest_comment_invalid_id"  # the query's id
    assert error(write(db, "PUT", "/wp/v2/comments/1", b'{"id": null}', JSON))["data"]["params"] == {
        "id": "id is not of type integer."}  # fmt: skip  # sanitize_params sanitizes a JSON null too
    assert error(write(db, "DELETE", "/wp/v2/comments/1?force=yes"))["data"]["params"] == {
        "force": "force is not of type boolean."}  # fmt: skip
    assert write(db, "DELETE", "/wp/v2/comments/1", b'{"force": 1}', JSON).status == 401
    assert header(write(db, "PUT", "/wp/v2/comments/1", b"author_ip=x"), "Allow") == "GET"  # an argument error
    for method in ("PUT", "PATCH", "DELETE"):
        missing = write(db, method, "/wp/v2/comments", b"{", JSON)
        assert (missing.status, error(missing)["code"], header(missing, "Allow")) == (404, "rest_no_route", None)


def test_what_is_declined(db: Connection) -> None:
    assert declined(db, "POST", "/wp/v2/users") == "route"
    assert declined(db, "POST", "/wp/v2/comments", b"--x\r\n", "multipart/form-data; boundary=x") == "request body"
    assert declined(db, "POST", "/wp/v2/comments?s=1", b"s=2", FORM) == "request body"  # parse_request refuses it
    assert write(db, "POST", "/wp/v2/comments?author_email=x", b"author_email=y", FORM).status == 400  # not a query var
    assert declined(db, "POST", "/wp/v2/comments", b"rest_route=/wp/v2/users", FORM) == "request body"
    assert declined(db, "POST", "/wp/v2/comments?author_url[]=x", b"author_url=y", FORM) == "author_url"  # PHP fails
    assert declined(db, "POST", "/wp/v2/comments?_wpnonce=x") == "request nonce"
    assert declined(db, "POST", "/wp/v2/comments", b"post=%FF", FORM) == "request invalid-utf8"
    assert declined(db, "POST", "/wp/v2/comments", b"author_ip=::1:2:3:4:5:6:7:8:9", FORM) == "author_ip"
    assert declined(db, "POST", "/wp/v2/comments", b"date=2024-01-01T00:00:00%0A", FORM) == "date-time"
    assert declined(db, "POST", "/wp/v2/comments?status=approve&type=comment", b'{"post": 0.5}', JSON) == "request json"
    assert declined(db, "POST", "/wp/v2/comments", b'{"a":"\xff", "b": "\\ud800"}', JSON) == "request json"
    assert write(db, "POST", "/wp/v2/comments", b'{"post": 0.0}', JSON).status == 401  # not read: answered

    def check(method: str, path: str, query: str = "", **headers: str) -> str | None:
        found = declined_write(method, Headers(headers), path, query)
        return None if found is None else found.unavailable

    assert check("POST", "/wp-json/wp/v2/comments", authorization="Basic eDp5") == "credentials"
    assert check("POST", "/wp-json/wp/v2/comments", **{"x-wp-nonce": "abc"}) == "credentials"
    assert check("POST", "/wp-json/wp/v2/comments", cookie="a=1; wordpress_logged_in_0a=x") == "credentials"
    assert check("POST", "/wp-json/wp/v2/comments", cookie="wp-postpass_0a=x") == "credentials"
    assert check("POST", "/wp-json/wp/v2/comments", cookie="wordpress_test_cookie=WP; comment_author_0a=Bob") is None
    assert check("POST", "/wp-json/wp/v2/comments", "rest_route=/wp/v2/posts") == "request rest_route"
    assert check("DELETE", "/", "rest_route=/wp/v2/comments/1") == "request method"  # nginx's 405
    assert check("POST", "/", "rest_route=/wp/v2/comments") is None
    assert json_content("application/vnd.api+json") and not json_content("text/json") and not json_content(";json")


def _client_request(app: Starlette, method: str, url: str, **options: Any) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://example.test") as client:
            return await client.request(method, url, **options)

    return asyncio.run(send())


def test_the_write_routes_beside_the_read_routes(db: Connection, api_store: Store) -> None:  # noqa: F811
    engine = api_store.engine
    app = Starlette(routes=[*rest_routes(store_answer(engine, ENDPOINTS)),
                            *rest_write_routes(write_answer(engine), max_body=100)])  # fmt: skip
    assert _client_request(app, "GET", "/wp-json/wp/v2/comments/1").status_code == 200
    form = {"content-type": FORM}
    posted = _client_request(app, "POST", "/?rest_route=/wp/v2/comments", content=b"post=10", headers=form)
    assert (posted.status_code, posted.content) == (401, LOGIN) and "vary" not in posted.headers
    cors = _client_request(app, "PUT", "/index.php?rest_route=/wp/v2/comments/1", headers={"origin": "http://a.test"})
    assert [name for name, _ in cors.headers.multi_items()][-6:] == [
        "allow", "access-control-allow-origin", "access-control-allow-methods", "access-control-allow-credentials",
        "vary", "content-length"]  # fmt: skip
    assert _client_request(app, "POST", "/", content=b"x").status_code == 404  # the front page, not the API
    big = _client_request(app, "POST", "/wp-json/wp/v2/comments", content=b"x" * 101)
    assert (big.status_code, big.headers["x-strangler-unavailable"]) == (503, "request body")
    override = _client_request(app, "POST", "/wp-json/wp/v2/comments?_method=PUT")
    assert override.headers["x-strangler-unavailable"] == "request method-override"
    assert _client_request(app, "OPTIONS", "/wp-json/wp/v2/comments").status_code == 405  # not the service's


def test_nothing_is_stored(db: Connection) -> None:
    def count() -> int:
        return int(db.execute(select(func.count()).select_from(schema.comments)).scalar_one())

    before = count()
    comment = b'{"post": 10, "content": "Hi", "author_name": "A", "author_email": "a@example.org"}'
    for method, url in [("POST", "/wp/v2/comments"), ("PUT", "/wp/v2/comments/1"), ("DELETE", "/wp/v2/comments/1?x=1")]:
        write(db, method, url, comment, JSON)
    assert count() == before
