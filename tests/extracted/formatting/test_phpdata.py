"""PHP data formats the renderer reads and hashes: serialize() and unserialize(), attachment metadata."""

from __future__ import annotations

import pytest

from extracted.formatting.attachment_meta import attachment_from_meta, image_meta
from extracted.formatting.phpdata import UnserializeError, php_serialize, php_string, php_truthy, php_unserialize
from extracted.formatting.types import ImageSize

METADATA = (
    'a:4:{s:5:"width";i:1200;s:6:"height";i:800;s:4:"file";s:13:"2020/01/a.jpg";s:5:"sizes";a:1:{'
    's:9:"thumbnail";a:4:{s:4:"file";s:13:"a-150x150.jpg";s:5:"width";i:150;s:6:"height";i:150;'
    's:9:"mime-type";s:10:"image/jpeg";}}}'
)


@pytest.mark.parametrize(
    ("value", "serialized"),
    [
        (None, "N;"),
        (True, "b:1;"),
        (-3, "i:-3;"),
        (1.5, "d:1.5;"),
        (750.0, "d:750;"),
        (1e25, "d:1.0E+25;"),
        (1.5e-7, "d:1.5E-7;"),
        (1e15, "d:1000000000000000;"),
        (1e16, "d:10000000000000000;"),
        (1.2345678901234568e17, "d:1.2345678901234568E+17;"),
        (2.0**56, "d:72057594037927940;"),
        (0.0001, "d:0.0001;"),
        (1e-5, "d:1.0E-5;"),
        (-0.0, "d:-0;"),
        (float("inf"), "d:INF;"),
        ("é", 's:2:"é";'),
        ([1, "a"], 'a:2:{i:0;i:1;i:1;s:1:"a";}'),
        ({"0": "x", "12": None, "01": True}, 'a:3:{i:0;s:1:"x";i:12;N;s:2:"01";b:1;}'),
        ({}, "a:0:{}"),
    ],
)
def test_serialize_as_php(value: object, serialized: str) -> None:
    assert php_serialize(value) == serialized


def test_unserialize_round_trip() -> None:
    assert php_unserialize('a:2:{s:1:"a";d:0.5;i:3;a:1:{i:0;b:0;}}') == {"a": 0.5, 3: {0: False}}
    assert php_unserialize('s:2:"é";') == "é"
    with pytest.raises(UnserializeError):
        php_unserialize('O:8:"stdClass":0:{}')
    with pytest.raises(UnserializeError):
        php_unserialize('s:9:"short";')


def test_php_scalars() -> None:
    assert [php_string(v) for v in (None, False, True, 2, 2.0, "x")] == ["", "", "1", "2", "2", "x"]
    floats = (0.1 + 0.2, 1 / 3, 1e14, 99999999999999.0, 123456789012345.6, 0.0001, 1e-5, 5e-324)
    assert [php_string(v) for v in floats] == [
        "0.3",
        "0.33333333333333",
        "1.0E+14",
        "99999999999999",
        "1.2345678901235E+14",
        "0.0001",
        "1.0E-5",
        "4.9406564584125E-324",
    ]
    assert [php_truthy(v) for v in ("0", "", "0.0", 0, [], {"a": 1})] == [False, False, True, False, False, True]


def test_attachment_from_post_meta() -> None:
    meta = {"_wp_attached_file": "2020/01/a.jpg", "_wp_attachment_metadata": METADATA, "_wp_attachment_image_alt": "A"}
    attachment = attachment_from_meta(21, mime_type="image/jpeg", meta=meta, title="Title")
    assert attachment.attached_file == "2020/01/a.jpg" and attachment.alt == "A" and attachment.title == "Title"
    assert attachment.metadata is not None
    metadata = attachment.metadata
    assert (metadata.file, metadata.width, metadata.height) == ("2020/01/a.jpg", 1200, 800)
    assert attachment.metadata.sizes == {"thumbnail": ImageSize("a-150x150.jpg", 150, 150, "image/jpeg")}


def test_unreadable_metadata_is_no_metadata() -> None:
    assert image_meta("not serialized") is None
    assert image_meta('s:3:"abc";') is None
