"""deploy/nginx/privet.conf as it is shipped, run by Debian's nginx in front of two
`privet serve` processes: only the ports, certificate and folders are put in."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import ssl
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import ip_address
from pathlib import Path

import httpx2 as httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import create_engine, func, select

from conftest import EXAMPLE, NOW, PASSWORD, ROOT, make_settings
from deploy.conftest import Server, free_port, server_environment, serving, wait_until
from privet.admin import service as staff_service
from privet.clock import FixedClock
from privet.consent.models import ConsentReceipt
from privet.policy.load import load_policy
from privet.store.open import open_store

EXAMPLE_CONF = ROOT / "deploy" / "nginx" / "privet.conf"
HSTS = "max-age=63072000"
MAIN_CONF = """{user}
worker_processes 1;
pid {folder}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    gzip on;  # for scripts too, as many operators set it
    gzip_types text/javascript application/javascript;
    include {folder}/privet.conf;
}}
"""


@dataclass(frozen=True)
class Deployment:
    servers: list[Server]
    https: str
    http: str
    monitor: str
    tls: ssl.SSLContext
    token: dict[str, str]
    database_url: str


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if found is None:
        message = "nginx is not installed (apt-get install nginx)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI must test deploy/nginx/privet.conf")
        pytest.skip(f"{message}; the nginx example is not tested")
    return found


def certificate(folder: Path) -> Path:
    """A CA, and a certificate it signed for 127.0.0.1, written where nginx reads them;
    the CA's file, which the test's client trusts."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "privet test CA")])
    ca = _signed(ca_name, ca_key, issuer=(ca_name, ca_key))
    host = [x509.DNSName("privet.example.org"), x509.IPAddress(ip_address("127.0.0.1"))]
    leaf_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "privet.example.org")])
    (folder / "fullchain.pem").write_bytes(
        _signed(leaf_name, key, issuer=(ca_name, ca_key), names=host) + ca
    )
    unencrypted = serialization.NoEncryption()
    pkcs8 = serialization.PrivateFormat.PKCS8
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, pkcs8, unencrypted)
    )
    (folder / "ca.pem").write_bytes(ca)
    return folder / "ca.pem"


def _signed(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    *,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey],
    names: list[x509.GeneralName] | None = None,
) -> bytes:
    """A certificate valid for a day: a CA's without `names`, else a server's for them."""
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer[0])
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=names is None, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key()), False
        )
    )
    if names is not None:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(issuer[1], hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def rendered(folder: Path, ports: dict[str, int], servers: list[Server]) -> str:
    """The shipped file with this test's ports and paths in place of the examples."""
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{ports['http']};",
        "listen 443 ssl;": f"listen 127.0.0.1:{ports['https']} ssl;",
        "listen 9443 ssl;": f"listen 127.0.0.1:{ports['monitor']} ssl;",
        "8001": str(servers[0].port),
        "8002": str(servers[1].port),
        "/etc/letsencrypt/live/privet.example.org": str(folder),
        "/var/www/letsencrypt": str(folder / "acme"),
    }
    text = EXAMPLE_CONF.read_text()
    for example in replacements:
        assert example in text, f"{example!r} is no longer in {EXAMPLE_CONF}"
    pattern = "|".join(re.escape(example) for example in replacements)
    return re.sub(pattern, lambda match: replacements[match[0]], text)


@pytest.fixture(scope="module")
def deployment(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    nginx = nginx_binary()
    folder = tmp_path_factory.mktemp("nginx")
    shutil.copyfile(sqlite_template, folder / "privet.db")
    database_url = f"sqlite:///{folder / 'privet.db'}"
    token = viewer_token(folder, database_url)
    tls = ssl.create_default_context(cafile=certificate(folder))
    ports = {name: free_port() for name in ("http", "https", "monitor")}
    environment = server_environment(folder, database_url,
                                     PRIVET_BASE_URL="https://privet.example.org")  # fmt: skip
    with serving(folder, environment) as servers:
        (folder / "privet.conf").write_text(rendered(folder, ports, servers))
        user = "user root;" if os.geteuid() == 0 else ""  # workers read the test's folder
        (folder / "nginx.conf").write_text(MAIN_CONF.format(user=user, folder=folder))
        command = [nginx, "-p", str(folder), "-e", str(folder / "error.log"),
                   "-c", str(folder / "nginx.conf"), "-g", "daemon off;"]  # fmt: skip
        proxy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            https = f"https://127.0.0.1:{ports['https']}"
            wait_until(lambda: _up(proxy, f"{https}/healthz", tls, folder), 10, "nginx")
            yield Deployment(servers, https, f"http://127.0.0.1:{ports['http']}",
                             f"https://127.0.0.1:{ports['monitor']}", tls,
                             token, database_url)  # fmt: skip
        finally:
            proxy.terminate()
            proxy.wait(timeout=10)


def viewer_token(folder: Path, database_url: str) -> dict[str, str]:
    store = open_store(make_settings(folder, database_url), FixedClock(NOW))
    with store.transaction() as session:
        user = staff_service.create_user(session, "charlie@example.org", "viewer", PASSWORD, NOW)
        secret = staff_service.create_api_token(session, user, "prometheus", NOW)
    store.close()
    return {"authorization": f"Bearer {secret}"}


def _up(proxy: subprocess.Popen[bytes], url: str, tls: ssl.SSLContext, folder: Path) -> bool:
    if proxy.poll() is not None:
        raise AssertionError(f"nginx exited:\n{(folder / 'error.log').read_text()}")
    try:
        return httpx.get(url, verify=tls, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def healthz_counted(server: Server, token: dict[str, str]) -> int:
    text = httpx.get(f"{server.url}/metrics", headers=token).text
    line = 'privet_http_requests_total{method="GET",route="/healthz",status="2xx"} '
    return next((int(row[len(line) :]) for row in text.splitlines() if row.startswith(line)), 0)


def test_requests_are_shared_between_the_processes(deployment: Deployment) -> None:
    before = [healthz_counted(server, deployment.token) for server in deployment.servers]
    with httpx.Client(base_url=deployment.https, verify=deployment.tls) as client:
        answers = [client.get("/healthz") for _ in range(6)]
    assert [answer.status_code for answer in answers] == [200] * 6
    after = [healthz_counted(server, deployment.token) for server in deployment.servers]
    served = [later - earlier for later, earlier in zip(after, before, strict=True)]
    assert sum(served) == 6 and all(served), served


def test_a_consent_posted_through_nginx_is_stored(deployment: Deployment) -> None:
    decision = {"policy_version": load_policy(EXAMPLE).policy.version, "method": "banner",
                "granted": ["analytics"], "denied": ["marketing"]}  # fmt: skip
    answer = httpx.post(f"{deployment.https}/api/v1/consents", json=decision,
                        verify=deployment.tls)  # fmt: skip
    assert answer.status_code == 201
    assert answer.headers.get_list("strict-transport-security") == [HSTS]
    engine = create_engine(deployment.database_url)
    with engine.connect() as connection:
        receipt = uuid.UUID(answer.json()["receipt_id"])
        query = select(func.count()).where(ConsentReceipt.id == receipt)
        assert connection.scalar(query) == 1
    engine.dispose()


def test_metrics_are_refused_publicly_and_served_to_the_monitor(deployment: Deployment) -> None:
    public = httpx.get(f"{deployment.https}/metrics", headers=deployment.token,
                       verify=deployment.tls)  # fmt: skip
    assert public.status_code == 403
    assert public.headers.get_list("strict-transport-security") == [HSTS]
    direct = httpx.get(f"{deployment.servers[0].url}/metrics", headers=deployment.token)
    assert direct.status_code == 200 and "privet_build_info" in direct.text
    port = deployment.servers[1].port
    monitored = httpx.get(f"{deployment.monitor}/metrics/{port}", headers=deployment.token,
                          verify=deployment.tls)  # fmt: skip
    assert monitored.status_code == 200 and "privet_outbox_queued" in monitored.text


def test_plain_http_is_sent_to_https(deployment: Deployment) -> None:
    answer = httpx.get(f"{deployment.http}/privacy?lang=fr")
    assert answer.status_code == 301
    assert answer.headers["location"] == "https://127.0.0.1/privacy?lang=fr"


def test_the_script_is_revalidated_not_fetched_again(deployment: Deployment) -> None:
    gzip = {"accept-encoding": "gzip"}
    with httpx.Client(base_url=deployment.https, verify=deployment.tls, headers=gzip) as client:
        first = client.get("/privet.js")
        assert first.status_code == 200 and first.headers["cache-control"] == "no-cache"
        again = client.get("/privet.js", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304


def test_a_body_over_privets_limit_is_refused_by_nginx(deployment: Deployment) -> None:
    answer = httpx.post(f"{deployment.https}/api/v1/forms/contact/submissions",
                        content=b"x" * (1024 * 1024 + 1), verify=deployment.tls)  # fmt: skip
    assert answer.status_code == 413
    assert "nginx" in answer.text  # refused by nginx, before privet read any of it
