"""Signed statements (xAPI-Data §2.6): a JWS attachment whose payload is the statement."""

import base64
import datetime as dt
from typing import Any

import httpx
import orjson
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from joserfc import jws
from joserfc.jwk import OctKey, RSAKey

from tests.factories import statement, with_id
from tests.multipart_builder import CONTENT_TYPE, attachment_for, body, part

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KEY = RSAKey.import_key(PRIVATE.private_bytes(serialization.Encoding.PEM,
                        serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))  # fmt: skip


def certificate_of(private: rsa.RSAPrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "signer")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(private.public_key()).serial_number(1)
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
        .sign(private, hashes.SHA256())
    )  # fmt: skip
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def signed_request(
    stmt: dict[str, Any], token: bytes, content_type: str = "application/octet-stream"
) -> bytes:
    declared = attachment_for(token, usageType=SIGNATURE, contentType=content_type)
    return body({**stmt, "attachments": [declared]}, part(token, content_type))


def sign(payload: dict[str, Any], algorithm: str = "RS256", **header: Any) -> bytes:
    protected = {"alg": algorithm, **header}
    return jws.serialize_compact(
        protected, orjson.dumps(payload), KEY, algorithms=[algorithm]
    ).encode()


async def post(client: httpx.AsyncClient, content: bytes) -> httpx.Response:
    return await client.post("/statements", content=content, headers={"Content-Type": CONTENT_TYPE})


class TestSignedStatements:
    @pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
    async def test_signed_statement_is_accepted(
        self, client: httpx.AsyncClient, algorithm: str
    ) -> None:
        stmt = with_id(statement())
        response = await post(client, signed_request(stmt, sign(stmt, algorithm)))
        assert response.status_code == 200, response.text

    async def test_signature_with_its_certificate_is_verified(
        self, client: httpx.AsyncClient
    ) -> None:
        stmt = with_id(statement())
        token = sign(stmt, x5c=[certificate_of(PRIVATE)])
        assert (await post(client, signed_request(stmt, token))).status_code == 200

    async def test_signature_not_made_by_its_certificate_is_rejected(
        self, client: httpx.AsyncClient
    ) -> None:
        stmt = with_id(statement())
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        token = sign(stmt, x5c=[certificate_of(other)])
        assert (await post(client, signed_request(stmt, token))).status_code == 400

    async def test_other_algorithms_are_rejected(self, client: httpx.AsyncClient) -> None:
        stmt = with_id(statement())
        token = jws.serialize_compact(
            {"alg": "HS256"}, orjson.dumps(stmt), OctKey.generate_key(256)
        ).encode()
        assert (await post(client, signed_request(stmt, token))).status_code == 400

    async def test_payload_that_differs_from_the_statement_is_rejected(
        self, client: httpx.AsyncClient
    ) -> None:
        stmt = with_id(statement())
        token = sign({**stmt, "verb": {"id": "http://example.com/verbs/forged"}})
        assert (await post(client, signed_request(stmt, token))).status_code == 400

    async def test_durations_compare_to_the_hundredth_of_a_second(
        self, client: httpx.AsyncClient
    ) -> None:
        signed = with_id(statement(result={"duration": "P1DT12H36M0.12S"}))
        sent = {**signed, "result": {"duration": "P1DT12H36M0.1237S"}}
        assert (await post(client, signed_request(sent, sign(signed)))).status_code == 200

    @pytest.mark.parametrize("token", [b"not-a-jws", b"a.b.c", b""])
    async def test_malformed_jws_is_rejected(self, client: httpx.AsyncClient, token: bytes) -> None:
        assert (await post(client, signed_request(with_id(statement()), token))).status_code == 400

    async def test_signature_of_the_wrong_content_type_is_rejected(
        self, client: httpx.AsyncClient
    ) -> None:
        stmt = with_id(statement())
        response = await post(client, signed_request(stmt, sign(stmt), content_type="text/plain"))
        assert response.status_code == 400
