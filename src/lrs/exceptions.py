"""The one error hierarchy of the service.

    LRSError (500)
    ├── BadRequest (400)          invalid xAPI data or parameters; `field` names the offending path
    ├── Unauthorized (401)        missing or unknown credentials
    ├── Forbidden (403)           credential lacks the scope
    ├── NotFound (404)
    ├── Conflict (409)            same id, other statement; a document write without the
    │                             precondition it needs (both versions: what the 2.0.0
    │                             conformance suite checks, not 428)
    ├── PreconditionFailed (412)  If-Match / If-None-Match did not hold
    ├── PayloadTooLarge (413)
    └── ServiceUnavailable (503)  the database cannot be reached; retry later

Services raise these; one handler in `app.py` turns them into JSON responses.
This module is pure Python so that `xapi/` can raise them too.
"""


class LRSError(Exception):
    status_code = 500

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"error": True, "status": self.status_code}
        body["message"] = f"{self.field}: {self.message}" if self.field else self.message
        if self.field:
            body["field"] = self.field
        return body


class BadRequest(LRSError):
    status_code = 400


class Unauthorized(LRSError):
    status_code = 401


class Forbidden(LRSError):
    status_code = 403


class NotFound(LRSError):
    status_code = 404


class Conflict(LRSError):
    status_code = 409


class PreconditionFailed(LRSError):
    status_code = 412


class PayloadTooLarge(LRSError):
    status_code = 413


class ServiceUnavailable(LRSError):
    status_code = 503
