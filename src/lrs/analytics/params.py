"""Request parameters shared by every analytics endpoint (METRICS.md §2).

Each endpoint takes one of these models as its query parameters: unknown parameters are
rejected (400, like every other parameter error), and the parsed model is echoed back.
"""

import re
from datetime import UTC, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from lrs.analytics import vocabulary

Period = Literal["day", "week", "month", "quarter", "year", "all"]
MatchLevel = Literal["object", "parent", "grouping"]
_COHORT = re.compile(r"^(team|platform|parent|grouping|ext:\S+)$")


def _utc(value: datetime | None) -> datetime | None:
    """A time without an offset is taken as UTC (METRICS.md §2.3)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class AnalyticsParams(BaseModel):
    """Window, time zone, period, cohort dimensions, suppression and output format."""

    model_config = ConfigDict(extra="forbid")

    since: datetime | None = Field(None, description="Window start on `timestamp` (inclusive).")
    until: datetime | None = Field(None, description="Window end on `timestamp` (exclusive).")
    tz: str = Field("UTC", description="Org time zone (IANA) for periods and weeks.")
    period: Period = Field("month", description="Bucket of the period columns.")
    cohort: list[str] = Field(
        default_factory=list,
        description="Cohort dimensions, repeatable: team, platform, parent, grouping or "
        "ext:<context extension IRI>. They become the columns dim_1..dim_k.",
    )
    min_n: int = Field(
        5, ge=1, le=1_000_000_000, description="Rows with n below this are suppressed."
    )
    aliases: bool = Field(True, description="Apply the default verb alias table.")
    format: Literal["json", "csv"] | None = Field(
        None, description="Output format; `Accept: text/csv` also selects CSV."
    )
    # The store's replacements of default verb sets (analytics/verb_sets.py), set per request.
    _store_sets: dict[str, list[str]] = PrivateAttr(default_factory=dict)

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """PostgreSQL text cannot hold U+0000: a parameter with one is the caller's error."""
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("must not contain U+0000")
        return value

    @field_validator("since", "until")
    @classmethod
    def _with_offset(cls, value: datetime | None) -> datetime | None:
        return _utc(value)

    @field_validator("tz")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("cohort")
    @classmethod
    def _dims(cls, value: list[str]) -> list[str]:
        for dim in value:
            if not _COHORT.match(dim):
                raise ValueError(f"unknown cohort dimension {dim!r}")
        return value

    def use_store_sets(self, sets: dict[str, list[str]]) -> None:
        self._store_sets = sets

    def verbs(self, name: str, override: list[str] | None = None) -> list[str]:
        """The verb set `name`, alias-expanded: the request's override, else the store's,
        else the default."""
        chosen = override or self._store_sets.get(name) or vocabulary.DEFAULT_SETS[name]
        return vocabulary.expand(chosen, self.aliases)

    def as_of(self) -> datetime:
        """The end of the observation: `until`, or now."""
        return self.until or datetime.now(UTC)

    def echo(self) -> dict[str, Any]:
        """The parameters as applied, the store's verb sets included, so that `params_hash`
        changes when the store's configuration does."""
        echoed = self.model_dump(mode="json", exclude={"format"})
        if self._store_sets:
            echoed["store_verb_sets"] = self._store_sets
        return echoed
