"""Checks for the xAPI data types that every object is built from (xAPI-Data §4).

Each `check_*` function takes the value and its JSON path and raises `BadRequest`
naming that path. They return the value (or a parsed form of it) so callers stay short.
"""

import functools
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from lrs.exceptions import BadRequest

JSON = Any
JSONObject = dict[str, Any]

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# An absolute IRI: a scheme, a colon and at least one character that is not white space or
# one of the characters RFC 3987 excludes.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
_IRL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^\s<>\"{}|\\^`]+$")
_MBOX = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_SHA2 = re.compile(r"^[0-9a-fA-F]{56}$|^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{96}$|^[0-9a-fA-F]{128}$")
_MIME = re.compile(r"^[\w.+\-!#$&^]+/[\w.+\-!#$&^]+(\s*;.*)?$")

_GRANDFATHERED = (
    "en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|"
    "i-tao|i-tay|i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE|art-lojban|cel-gaulish|no-bok|no-nyn|"
    "zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang"
)
# RFC 5646 §2.1 well-formed language tags.
_LANGUAGE_TAG = re.compile(
    r"^(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language, extlang
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|\d{3}))?"  # region
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*"  # variants
    r"(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z\d]{1,8})+)?"  # private use
    r"|x(?:-[a-z\d]{1,8})+"
    rf"|{_GRANDFATHERED})$",
    re.IGNORECASE,
)
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?P<offset>Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?$",
    re.IGNORECASE,
)
_NUMBER = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(
    rf"^P(?!$)(?:(?P<Y>{_NUMBER})Y)?(?:(?P<M>{_NUMBER})M)?(?:(?P<W>{_NUMBER})W)?"
    rf"(?:(?P<D>{_NUMBER})D)?(?:T(?=\d)(?:(?P<h>{_NUMBER})H)?(?:(?P<m>{_NUMBER})M)?"
    rf"(?:(?P<s>{_NUMBER})S)?)?$"
)
# Calendar units have no fixed length; these are the conventional lengths for analytics.
_DURATION_MS = {
    "Y": 31_536_000_000,
    "M": 2_592_000_000,
    "W": 604_800_000,
    "D": 86_400_000,
    "h": 3_600_000,
    "m": 60_000,
    "s": 1_000,
}


def fail(path: str, message: str) -> BadRequest:
    return BadRequest(message, field=path)


def check_object(value: JSON, path: str) -> JSONObject:
    if not isinstance(value, dict):
        raise fail(path, "must be a JSON object")
    return value


def check_keys(
    obj: Mapping[str, Any], path: str, allowed: frozenset[str], required: tuple[str, ...] = ()
) -> None:
    """Reject unknown properties, JSON nulls and missing required properties."""
    for key, value in obj.items():
        if key not in allowed:
            raise fail(f"{path}.{key}", "is not a property of this object")
        if value is None:
            raise fail(f"{path}.{key}", "must not be null")
    for key in required:
        if key not in obj:
            raise fail(f"{path}.{key}", "is required")


def check_string(value: JSON, path: str) -> str:
    if not isinstance(value, str):
        raise fail(path, "must be a string")
    return value


def check_bool(value: JSON, path: str) -> bool:
    if not isinstance(value, bool):
        raise fail(path, "must be true or false")
    return value


def check_number(value: JSON, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(path, "must be a number")
    return float(value)


def check_int(value: JSON, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(path, "must be an integer")
    return value


def check_list(value: JSON, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise fail(path, "must be an array")
    return value


def check_uuid(value: JSON, path: str) -> str:
    if not isinstance(value, str) or not _UUID.match(value):
        raise fail(path, "must be a UUID string")
    return value.lower()


# The same IRIs and language tags recur in statement after statement (verbs, activities,
# "en-US"): remembering the verdicts spares most regex runs on the ingest path.
@functools.lru_cache(maxsize=65536)
def _is_iri(value: str) -> bool:
    return _IRI.match(value) is not None


def check_iri(value: JSON, path: str) -> str:
    if not isinstance(value, str) or not _is_iri(value):
        raise fail(path, "must be an absolute IRI")
    return value


def check_irl(value: JSON, path: str) -> str:
    if not isinstance(value, str) or not _IRL.match(value):
        raise fail(path, "must be an IRL (an absolute URL)")
    return value


def check_mbox(value: JSON, path: str) -> str:
    if not isinstance(value, str) or not _MBOX.match(value):
        raise fail(path, "must be a mailto IRI of an email address")
    return value


def check_sha1(value: JSON, path: str) -> str:
    if not isinstance(value, str) or not _SHA1.match(value):
        raise fail(path, "must be a hex-encoded SHA-1 hash")
    return value


def check_sha2(value: JSON, path: str) -> str:
    if not isinstance(value, str) or not _SHA2.match(value):
        raise fail(path, "must be a hex-encoded SHA-2 hash")
    return value


def check_mime_type(value: JSON, path: str) -> str:
    if not isinstance(value, str) or not _MIME.match(value):
        raise fail(path, "must be an Internet media type")
    return value


@functools.lru_cache(maxsize=4096)
def is_language_tag(value: str) -> bool:
    return bool(_LANGUAGE_TAG.match(value))


def check_language_tag(value: JSON, path: str) -> str:
    if not isinstance(value, str) or not is_language_tag(value):
        raise fail(path, "must be an RFC 5646 language tag")
    return value


def check_language_map(value: JSON, path: str) -> JSONObject:
    obj = check_object(value, path)
    for tag, text in obj.items():
        if not is_language_tag(tag):
            raise fail(f"{path}.{tag}", "is not an RFC 5646 language tag")
        check_string(text, f"{path}.{tag}")
    return obj


def check_extensions(value: JSON, path: str) -> JSONObject:
    obj = check_object(value, path)
    for key in obj:
        check_iri(key, f"{path}.{key}")
    return obj


def parse_timestamp(value: JSON, path: str) -> datetime:
    """An ISO 8601 date-time with seconds; one without an offset is taken as UTC."""
    match = _TIMESTAMP.match(value) if isinstance(value, str) else None
    if match is None:
        raise fail(path, "must be an ISO 8601 timestamp")
    if match["offset"] in ("-00", "-00:00", "-0000"):
        raise fail(path, "must not use the offset -00:00")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise fail(path, "must be an ISO 8601 timestamp") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_duration_ms(value: JSON, path: str) -> int:
    """An ISO 8601 duration, as whole milliseconds."""
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None or value.endswith("T"):
        raise fail(path, "must be an ISO 8601 duration")
    if match["W"] is not None and value != f"P{match['W']}W":
        raise fail(path, "a duration in weeks cannot have other units (ISO 8601 §4.4.3.2)")
    total = 0.0
    for unit, amount in match.groupdict().items():
        if amount is not None:
            total += float(amount.replace(",", ".")) * _DURATION_MS[unit]
    return round(total)
