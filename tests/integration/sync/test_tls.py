"""mqtts:// with a CA file and per-store credentials against a real TLS Mosquitto listener."""

from __future__ import annotations

import datetime as dt
import ipaddress
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient

from edge.app import create_app
from edge.node import load_settings
from sync.hub.service import Hub
from tests.integration.sync.brokers import Broker, wait_for
from tests.integration.sync.conftest import FAST_SYNC, ctx_of, depth, hub_client, hub_settings


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def _certs(where: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for 127.0.0.1."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "store-edge test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    where.mkdir(parents=True, exist_ok=True)
    paths = (where / "ca.crt", where / "server.crt", where / "server.key")
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(_pem_key(key))
    return paths


def test_replication_over_mqtts_with_credentials(tmp_path: Path) -> None:
    ca, cert, key = _certs(tmp_path / "tls")
    passwd = tmp_path / "passwd"
    passwd.touch()
    for user, password in (("hub", "h-pw"), ("A", "a-pw")):
        subprocess.run(["mosquitto_passwd", "-b", str(passwd), user, password], check=True)
    broker = Broker(
        tmp_path / "broker",
        extra=(
            f"allow_anonymous false\npassword_file {passwd}\n"
            f"cafile {ca}\ncertfile {cert}\nkeyfile {key}\n"
        ),
    ).start()
    try:
        url = f"mqtts://127.0.0.1:{broker.port}"
        hub = Hub(
            hub_settings(
                tmp_path / "hub",
                None,
                broker={"url": url, "username": "hub", "password": "h-pw", "ca_file": ca},
            )
        )
        node = load_settings(
            None,
            {
                "data_dir": tmp_path / "A",
                "store": {"id": "A"},
                "broker": {"url": f"mqtts://A:a-pw@127.0.0.1:{broker.port}", "ca_file": ca,
                           "hub_key": tmp_path / "hub" / "hub.pub"},
                "sync": FAST_SYNC,
            },
        )  # fmt: skip
        with hub_client(hub), TestClient(create_app(node, ui=False)) as a:
            wait_for(lambda: depth(ctx_of(a)) == 0)
            assert a.get("/api/v1/sync/status").json()["connected"]
    finally:
        broker.stop()
