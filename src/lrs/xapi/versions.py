"""xAPI versions this LRS speaks, and the rules that differ between them."""

import enum
import re

from lrs.exceptions import BadRequest

VERSION_HEADER = "X-Experience-API-Version"
_HEADER_VALUE = re.compile(r"^(1\.0|2\.0)(\.\d+)?$")


class XAPIVersion(enum.Enum):
    """A major.minor line of the specification; `value` is the latest patch we implement."""

    V1 = "1.0.3"
    V2 = "2.0.0"

    @property
    def patches(self) -> tuple[str, ...]:
        """Every version of this line the LRS accepts, as About lists them."""
        return ("1.0.0", "1.0.1", "1.0.2", "1.0.3") if self is XAPIVersion.V1 else ("2.0.0",)

    @property
    def statement_version(self) -> str:
        """What the LRS writes into `version` when a statement does not say."""
        return "1.0.0" if self is XAPIVersion.V1 else "2.0.0"


def parse_version_header(value: str | None) -> XAPIVersion:
    """Every request but About must name a version we support (xAPI-Communication §3.3)."""
    if value is None:
        raise BadRequest("header is required", field=VERSION_HEADER)
    match = _HEADER_VALUE.match(value.strip())
    if match is None:
        raise BadRequest(f"version {value!r} is not supported", field=VERSION_HEADER)
    return XAPIVersion.V1 if match[1] == "1.0" else XAPIVersion.V2
