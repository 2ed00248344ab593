"""The venue set-up for real: certificates made by the test, parcours over HTTPS, nginx and
Caddy from Debian's packages started from the configs in deploy/, a Chromium that trusts the
test's certificates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHROMIUM, ROOT, Server, free_port, missing

DEPLOY = ROOT / "deploy"


@dataclass
class Certs:
    """A certificate authority of the test and a leaf for 127.0.0.1 and localhost."""

    ca: Path  # what a client trusts
    cert: Path  # the leaf's chain, for the server
    key: Path


@pytest.fixture(scope="session")
def certs(tmp_path_factory: Any) -> Certs:
    """Make a throw-away CA and a server certificate with trustme."""
    import trustme

    folder: Path = tmp_path_factory.mktemp("certs")
    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1", "localhost")
    made = Certs(folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    ca.cert_pem.write_to_path(str(made.ca))
    leaf.private_key_pem.write_to_path(str(made.key))
    with made.cert.open("wb") as out:
        for blob in leaf.cert_chain_pems:
            out.write(blob.bytes())
    return made


class TlsServer(Server):
    """A `parcours serve --certfile --keyfile` process: HTTPS on a free port."""

    def __init__(
        self, tmp: Path, certs: Certs, env: dict[str, str] | None = None, mode: str = "eventlet"
    ) -> None:
        super().__init__(tmp, mode, env)
        self.certs = certs
        self.url = f"https://127.0.0.1:{self.port}"

    def start(self) -> TlsServer:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable, "-m", "parcours", "serve", "--port", str(self.port),
                    "--certfile", str(self.certs.cert), "--keyfile", str(self.certs.key),
                ],
                env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
            )  # fmt: skip
        wait_for(self.url + "/healthz", self.certs.ca, self.proc, self.log)
        return self


def wait_for(url: str, ca: Path | None, proc: Any, log: Path, timeout: float = 30) -> None:
    """Poll url until it answers 200 (trusting ca for https); fail with the log's tail."""
    import ssl

    context = ssl.create_default_context(cafile=str(ca)) if ca else None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer: {log.read_text()[-3000:]}")


def fill(template: str, replacements: dict[str, str]) -> str:
    """Replace the documented example values of a deploy/ config; each must be there."""
    for old, new in replacements.items():
        assert old in template, f"{old!r} is no longer in the config the docs show"
        template = template.replace(old, new)
    return template


class Proxy:
    """nginx or Caddy as a plain process with a config of the test's own."""

    def __init__(self, tmp: Path, kind: str, port: int | None = None) -> None:
        self.tmp, self.kind = tmp, kind
        self.port = port or free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.log = tmp / f"{kind}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.ca: Path | None = None

    def start(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, cwd=self.tmp, env=env
            )

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.proc = None


def need(binary: str) -> str:
    """Return the path of a proxy binary; skip on a laptop without it, fail in CI."""
    found = shutil.which(binary) or (
        f"/usr/sbin/{binary}" if Path(f"/usr/sbin/{binary}").exists() else None
    )
    if not found:
        missing(
            f"{binary} is not installed (make test installs nginx-light and caddy where apt works)"
        )
    return str(found)


def nginx_for(
    tmp: Path,
    upstreams: list[int],
    certs: Certs,
    port: int | None = None,
    text: str = "",
    connections: int = 1024,
) -> Proxy:
    """Run deploy/nginx.conf (or a variant's text) in front of the given ports, with the
    test's certificate; `connections` per worker (a proxied socket takes two, bench/scale.py
    asks for thousands)."""
    binary = need("nginx")
    proxy = Proxy(tmp, "nginx", port)
    site = fill(
        text or (DEPLOY / "nginx.conf").read_text(),
        {
            "    server 127.0.0.1:5001;\n    server 127.0.0.1:5002;\n": "".join(
                f"    server 127.0.0.1:{port};\n" for port in upstreams
            ),
            "listen 80;": f"listen 127.0.0.1:{free_port()};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{proxy.port} ssl http2;",
            "/etc/ssl/parcours/fullchain.pem": str(certs.cert),
            "/etc/ssl/parcours/privkey.pem": str(certs.key),
        },
    )
    (tmp / "site.conf").write_text(site)
    temp = tmp / "nginx-temp"
    temp.mkdir(exist_ok=True)
    (tmp / "nginx-main.conf").write_text(
        f"""daemon off;
worker_processes 1;
worker_rlimit_nofile {connections + 64};
pid {tmp}/nginx.pid;
error_log {proxy.log} warn;
events {{ worker_connections {connections}; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {tmp}/site.conf;
}}
"""
    )
    proxy.start([binary, "-p", str(tmp), "-c", str(tmp / "nginx-main.conf")])
    proxy.ca = certs.ca
    wait_for(proxy.url + "/healthz", certs.ca, proxy.proc, proxy.log)
    return proxy


def caddy_for(
    tmp: Path, upstreams: list[int], config: str = "Caddyfile", port: int | None = None
) -> Proxy:
    """Run deploy/Caddyfile (public name) or deploy/Caddyfile.lan (tls internal) in front of
    the given ports. Caddy makes its own local CA in the test's folder; the test trusts it."""
    binary = need("caddy")
    proxy = Proxy(tmp, "caddy", port)
    address = {"Caddyfile": "parcours.example.org", "Caddyfile.lan": "https://192.168.1.20"}
    site = fill(
        (DEPLOY / config).read_text(),
        {
            address[config]: f"https://127.0.0.1:{proxy.port}",
            "127.0.0.1:5001 127.0.0.1:5002": " ".join(f"127.0.0.1:{p}" for p in upstreams),
        },
    )
    if config == "Caddyfile":
        # a public name gets Let's Encrypt; the test has no internet, and Caddy serves an IP
        # address with its internal CA on its own: the same site block, no other change
        assert "tls internal" not in site
    # the test's own global options: no admin port, no touching the machine's trust store,
    # no port 80/443 of the machine
    options = f"{{\n\tadmin off\n\tskip_install_trust\n\thttp_port {free_port()}\n}}\n\n"
    (tmp / "Caddyfile").write_text(options + site)
    env = {**os.environ, "HOME": str(tmp), "XDG_DATA_HOME": str(tmp), "XDG_CONFIG_HOME": str(tmp)}
    proxy.start([binary, "run", "--config", str(tmp / "Caddyfile"), "--adapter", "caddyfile"], env)
    root = (
        tmp / "caddy" / "pki" / "authorities" / "local" / "root.crt"
    )  # the file docs/deploy.md shows
    deadline = time.monotonic() + 30
    while not root.exists() and time.monotonic() < deadline:
        if proxy.proc is not None and proxy.proc.poll() is not None:
            raise RuntimeError(f"caddy exited: {proxy.log.read_text()[-3000:]}")
        time.sleep(0.1)
    proxy.ca = root
    wait_for(proxy.url + "/healthz", root, proxy.proc, proxy.log)
    return proxy


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def trusting_browser(certs: Certs, tmp_path_factory: Any, playwright_driver: Any) -> Iterator[Any]:
    """Debian's Chromium that trusts the test's CA the way an organiser's Linux laptop does
    (docs/deploy.md, "Trusting Caddy's root"): certutil adds it to the NSS database in the
    browser's HOME, here a folder of the test's own. No flag skips a certificate check."""
    certutil = need("certutil")
    home: Path = tmp_path_factory.mktemp("home")
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    for argv in (
        ["-N", "--empty-password"],
        ["-A", "-t", "C,,", "-n", "parcours-test-ca", "-i", str(certs.ca)],
    ):
        subprocess.run([certutil, "-d", f"sql:{nssdb}", *argv], check=True, capture_output=True)
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, "HOME": str(home)}
    )
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def tls_browser(playwright_driver: Any) -> Iterator[Any]:
    """Debian's Chromium that accepts any certificate, for Caddy's root made at run time
    (RECIPES: the context option ignore_https_errors is not enough for a service worker; the
    command-line flag is)."""
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--ignore-certificate-errors"]
    )
    yield browser
    browser.close()
