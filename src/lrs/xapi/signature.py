"""Signed statements (xAPI-Data §2.6): a JWS in compact serialization, attached with the
signature usageType, whose payload is the statement as it was before it was signed."""

import base64
from typing import Any

import orjson
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from joserfc.jws import JWSRegistry

from lrs.exceptions import BadRequest
from lrs.xapi.comparison import LRS_PROPERTIES, same_statement
from lrs.xapi.primitives import JSONObject

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = ("RS256", "RS384", "RS512")
# A header with an x5c certificate chain and a statement payload outgrow the library defaults.
_REGISTRY = JWSRegistry(algorithms=ALGORITHMS)
_REGISTRY.max_header_length = 64 * 1024
_REGISTRY.max_payload_length = 4 * 1024 * 1024
# Added after signing: by the LRS, and the signature attachment itself.
_UNSIGNED = LRS_PROPERTIES | {"attachments"}


def check_signature(statement: JSONObject, token: bytes, path: str) -> None:
    """Reject a malformed or mismatched signature; verify it when it carries its certificate."""
    try:
        compact = jws.extract_compact(token.strip(), registry=_REGISTRY)
    except (JoseError, ValueError) as error:
        raise BadRequest(f"the signature is not a compact JWS: {error}", field=path) from None
    algorithm = compact.protected.get("alg")
    if algorithm not in ALGORITHMS:
        raise BadRequest(f"the JWS algorithm must be one of {', '.join(ALGORITHMS)}", field=path)
    try:
        payload = orjson.loads(compact.payload)
    except orjson.JSONDecodeError:
        raise BadRequest("the JWS payload is not a JSON statement", field=path) from None
    # An id the signer left to the LRS is not part of what was signed either.
    ignored = _UNSIGNED if "id" in payload else _UNSIGNED | {"id"}
    if not isinstance(payload, dict) or not same_statement(payload, statement, ignored):
        raise BadRequest("the JWS payload does not match the statement", field=path)
    if "x5c" in compact.protected:
        _verify(token, compact.protected["x5c"], path)


def _verify(token: bytes, chain: Any, path: str) -> None:
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
        public_key = certificate.public_key()
        if not isinstance(public_key, RSAPublicKey):
            raise ValueError("not an RSA key")
        jws.deserialize_compact(token.strip(), RSAKey.import_key(public_key), registry=_REGISTRY)
    except (JoseError, ValueError, TypeError, IndexError) as error:
        raise BadRequest(f"the signature does not verify: {error}", field=path) from None
