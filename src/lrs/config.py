"""Settings, read from the environment (prefix `LRS_`) when the app or CLI starts."""

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from lrs.xapi.versions import XAPIVersion


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("lrs"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LRS_")

    # postgresql+asyncpg://user:pass@host/db; unset means the embedded server in `data_dir`.
    database_url: str | None = None
    data_dir: Path = Field(default_factory=_default_data_dir)
    host: str = "127.0.0.1"
    port: int = 8000
    # The homePage of the account the LRS names as `authority` of the statements it stores.
    authority_home_page: str = "http://127.0.0.1:8000"
    # The xAPI version lines served, comma-separated: "1.0.3", "2.0.0" or both.
    xapi_versions: str = "1.0.3,2.0.0"
    max_batch_statements: int = 10_000
    # Larger request bodies are refused with 413 (attachments make statements requests big).
    max_request_bytes: int = 64 * 1024 * 1024
    # The most statements one page of GET /statements holds (also what `limit=0` means).
    max_query_limit: int = Field(default=1000, ge=1)
    # Larger State / Activity Profile / Agent Profile documents are refused with 413.
    max_document_bytes: int = 1024 * 1024
    db_pool_size: int = 10
    # Seconds: give up connecting to PostgreSQL (503) / waiting for a pooled connection.
    db_connect_timeout: float = 5.0
    db_pool_timeout: float = 10.0
    # Structured logs on stderr: "json" (one object a line) or "console" (for people).
    log_format: Literal["json", "console"] = "json"
    log_level: str = "INFO"

    @property
    def enabled_versions(self) -> tuple[XAPIVersion, ...]:
        return tuple(XAPIVersion(v.strip()) for v in self.xapi_versions.split(",") if v.strip())
