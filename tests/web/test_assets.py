"""Static files and responses for venue Wi-Fi: versioned URLs, long caching, compression; and
the check-in address of a station's QR code (/c/CODE)."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from typing import Any

import brotli
import pytest

from tests.conftest import auth

GZIP = {"Accept-Encoding": "gzip"}
BR = {"Accept-Encoding": "gzip, deflate, br"}


def static_url(app: Any, filename: str) -> str:
    from flask import url_for

    with app.test_request_context():
        return str(url_for("static", filename=filename))


def test_static_urls_carry_the_content_hash_and_are_immutable(app: Any, client: Any) -> None:
    url = static_url(app, "css/app.css")
    assert re.fullmatch(r"/static/css/app\.css\?v=[0-9a-f]{12}", url)
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"body" in answer.data
    for stale in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        other = client.get(stale)
        assert other.status_code == 200
        assert other.headers["Cache-Control"] == "public, max-age=86400"  # a day, then ask again


def test_module_imports_carry_the_versions_of_the_modules_they_import(
    app: Any, client: Any
) -> None:
    body = client.get(static_url(app, "js/capture-phone.js")).get_data(as_text=True)
    imports = re.findall(r'from "\./([\w-]+\.js)\?v=([0-9a-f]{12})"', body)
    assert {name for name, _ in imports} >= {"live-core.js", "outbox.js", "scanner.js"}
    for name, version in imports:
        assert static_url(app, f"js/{name}").endswith(f"?v={version}")
    scanner = client.get(static_url(app, "js/scanner.js")).get_data(as_text=True)
    decoder = re.search(r'"\.\./vendor/jsQR\.js\?v=([0-9a-f]{12})"', scanner)
    assert decoder, "the scanner names the versioned jsQR"
    jsqr = client.get(f"/static/vendor/jsQR.js?v={decoder.group(1)}")
    assert jsqr.status_code == 200 and "immutable" in jsqr.headers["Cache-Control"]


def test_a_changed_module_changes_the_version_of_its_importers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parcours.web import assets

    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text('import { b } from "./b.js";\nb();\n')
    (tmp_path / "js" / "b.js").write_text("export function b() {}\n")
    monkeypatch.setattr(assets, "STATIC", tmp_path)
    store = assets.Assets()
    before = store.version("js/a.js")
    assert f'"./b.js?v={store.version("js/b.js")}"' in store.get("js/a.js").body.decode()
    (tmp_path / "js" / "b.js").write_text("export function b() { return 1; }\n")
    os.utime(tmp_path / "js" / "b.js", (1, 1))  # a different mtime whatever the clock does
    assert store.version("js/a.js") != before


def test_scripts_and_styles_are_sent_compressed(app: Any, client: Any) -> None:
    url = static_url(app, "js/outbox.js")
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    zipped = client.get(url, headers=GZIP)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 2
    best = client.get(url, headers=BR)
    assert best.headers["Content-Encoding"] == "br"
    assert brotli.decompress(best.data) == plain.data
    assert "Accept-Encoding" in best.headers["Vary"]
    again = client.get(url, headers={**BR, "If-None-Match": best.headers["ETag"]})
    assert again.status_code == 304
    socket = client.get("/vendor/socket.io.min.js", headers=GZIP)
    assert socket.headers["Content-Encoding"] == "gzip"


def test_pages_and_json_are_compressed_and_exports_go_out_as_they_are(
    client: Any, make_event: Any
) -> None:
    ev = make_event("small")
    page = client.get(f"/p/{ev['participants'][0]['token']}", headers=GZIP)
    assert page.headers["Content-Encoding"] == "gzip"
    assert page.headers["Cache-Control"] == "no-store"
    assert b"<!doctype html>" in gzip.decompress(page.data)
    headers = {**GZIP, **auth(ev["organiser_token"])}
    state = client.get(f"/api/v1/events/{ev['event_id']}", headers=headers)
    assert state.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(state.data))["id"] == ev["event_id"]
    export = client.get(f"/api/v1/events/{ev['event_id']}/export?format=json", headers=headers)
    assert export.status_code == 200
    assert "Content-Encoding" not in export.headers  # a streamed file is left alone
    assert json.loads(export.data)


def test_no_file_outside_static(client: Any) -> None:
    for path in ("/static/../pyproject.toml", "/static/%2e%2e/pyproject.toml", "/static/no.js"):
        assert client.get(path).status_code == 404


def test_the_phone_page_leaves_its_token_for_check_in_links_only(
    client: Any, make_event: Any
) -> None:
    ev = make_event("small")
    token = ev["participants"][0]["token"]
    cookie = client.get(f"/p/{token}").headers["Set-Cookie"]
    assert cookie.startswith(f"parcours_me={token};")
    assert "Path=/c" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    code = ev["stations"][1]["code"]
    answer = client.get(f"/c/{code.lower()}")
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/p/{token}#check-in={code.upper()}"
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_check_in_link_without_a_known_phone_explains_what_to_do(
    client: Any, make_event: Any
) -> None:
    ev = make_event("small")
    code = ev["stations"][0]["code"]
    first = client.get(f"/c/{code}")
    assert first.status_code == 200
    assert "open your personal link first" in first.get_data(as_text=True)
    client.set_cookie("parcours_me", "not-a-token", path="/c")
    stale = client.get(f"/c/{code}")
    assert stale.status_code == 200
    assert "parcours_me=;" in stale.headers["Set-Cookie"]  # forgotten
    client.get(f"/p/{ev['participants'][0]['token']}")
    unknown = client.get("/c/ZZZZ")
    assert unknown.status_code == 404
    assert "not a station of your event" in unknown.get_data(as_text=True)
    assert client.get("/c/%3Cb%3E").status_code == 404


def test_the_station_qr_holds_the_check_in_address(app: Any) -> None:
    from parcours.web.checkin import check_in_url

    with app.test_request_context(base_url="https://venue.example"):
        assert check_in_url("K7QD") == "https://venue.example/c/K7QD"
    app.config["PUBLIC_URL"] = "https://parcours.example.org"
    with app.test_request_context():
        assert check_in_url("K7QD") == "https://parcours.example.org/c/K7QD"
