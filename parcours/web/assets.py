"""Static files for crowded venue Wi-Fi: versioned URLs, cached for a year, sent compressed.

Every URL of a static file carries `?v=<hash of its content>` (url_for adds it), and a request
with the current version gets `Cache-Control: public, max-age=31536000, immutable`: a phone
fetches each file once. ES modules import each other by relative path, so a script's own
imports are rewritten to carry their versions too, and its hash covers theirs: a changed
module changes the URL of every module that imports it.
Scripts and styles are compressed once per version (gzip or brotli, on first request) and kept
in memory;
pages and JSON are compressed per response by Flask-Compress.
The vendored clients (Socket.IO, jsQR) come from static/vendor (`make` copies them from
node_modules) or straight from node_modules. No CDN: venues often have no internet.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, request
from flask.typing import ResponseReturnValue
from flask_compress import Compress

from parcours.config import ROOT

bp = Blueprint("assets", __name__)
STATIC = ROOT / "static"
MODULES = ROOT / "node_modules"
VENDOR = {  # file in static/vendor -> where npm puts it
    "socket.io.min.js": MODULES / "socket.io-client" / "dist" / "socket.io.min.js",
    "jsQR.js": MODULES / "jsqr" / "dist" / "jsQR.js",
}
YEAR = 365 * 24 * 3600
DAY = 24 * 3600
TEXT = ("text/css", "text/javascript", "application/javascript", "image/svg+xml", "text/plain")
IMPORT = re.compile(r"""(?P<q>["'])(?P<path>\.{1,2}/[\w./-]+\.(?:js|css))(?P=q)""")
compress = Compress()


@dataclass
class Asset:
    """One static file as served: its bytes, their hash and their compressed forms."""

    body: bytes
    mimetype: str
    version: str
    mtime: float
    deps: tuple[tuple[str, str], ...] = ()  # (filename, version) of each rewritten import
    encoded: dict[str, bytes] = field(default_factory=dict)

    def encoding(self, accepted: Any) -> str | None:
        """Return the best encoding the client accepts (brotli, then gzip), made on first use."""
        if self.mimetype not in TEXT or len(self.body) <= 500:
            return None
        for name in ("br", "gzip"):
            if accepted[name]:
                if name not in self.encoded:
                    self.encoded[name] = _encode(self.body, name)
                return name
        return None


def _encode(body: bytes, name: str) -> bytes:
    """Return body compressed with gzip or brotli (both at a level worth doing once)."""
    if name == "gzip":
        return gzip.compress(body, 9, mtime=0)
    import brotli  # Flask-Compress depends on it

    return bytes(brotli.compress(body, quality=10))


class Assets:
    """Hash, rewrite and compress static files on first use; keep them while unchanged."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[str, Asset] = {}

    def locate(self, filename: str) -> Path | None:
        """Return the file behind a static filename, or None (no escape from static/)."""
        path = (STATIC / filename).resolve()
        if not path.is_relative_to(STATIC.resolve()):
            return None
        if path.is_file():
            return path
        name = filename.removeprefix("vendor/")
        if name != filename and name in VENDOR and VENDOR[name].is_file():
            return VENDOR[name]
        return None

    def get(self, filename: str, _seen: frozenset[str] = frozenset()) -> Asset | None:
        """Return the asset for filename, rebuilt when it or a module it imports changed."""
        path = self.locate(filename)
        if path is None:
            return None
        cached = self._cache.get(filename)
        if cached is not None and self._fresh(cached, path, _seen | {filename}):
            return cached
        asset = self._build(filename, path, _seen | {filename})
        with self._lock:
            self._cache[filename] = asset
        return asset

    def version(self, filename: str) -> str | None:
        """Return the version (content hash) of a static file, or None if there is none."""
        asset = self.get(filename)
        return asset.version if asset else None

    def _fresh(self, asset: Asset, path: Path, seen: frozenset[str]) -> bool:
        if path.stat().st_mtime != asset.mtime:
            return False
        for dep, version in asset.deps:
            if dep in seen:
                continue
            current = self.get(dep, seen)
            if current is None or current.version != version:
                return False
        return True

    def _build(self, filename: str, path: Path, seen: frozenset[str]) -> Asset:
        body = path.read_bytes()
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        if mimetype == "application/javascript":
            mimetype = "text/javascript"
        deps: list[tuple[str, str]] = []
        if filename.endswith(".js") and not filename.startswith("vendor/"):
            body, deps = self._rewrite(filename, body, seen)
        return Asset(
            body=body,
            mimetype=mimetype,
            version=hashlib.sha256(body).hexdigest()[:12],
            mtime=path.stat().st_mtime,
            deps=tuple(deps),
        )

    def _rewrite(
        self, filename: str, body: bytes, seen: frozenset[str]
    ) -> tuple[bytes, list[tuple[str, str]]]:
        """Add ?v= to the relative imports of a module (only those naming a static file)."""
        folder = str(Path(filename).parent)
        deps: list[tuple[str, str]] = []

        def versioned(match: re.Match[str]) -> str:
            spec = match.group("path")
            target = _join(folder, spec)
            if target is None or target in seen:
                return match.group(0)
            dep = self.get(target, seen)
            if dep is None:
                return match.group(0)
            deps.append((target, dep.version))
            quote = match.group("q")
            return f"{quote}{spec}?v={dep.version}{quote}"

        text = IMPORT.sub(versioned, body.decode("utf-8"))
        return text.encode("utf-8"), deps


def _join(folder: str, spec: str) -> str | None:
    """Return the static filename a relative specifier names from a folder, or None."""
    parts = [p for p in folder.split("/") if p and p != "."]
    for piece in spec.split("/"):
        if piece == "..":
            if not parts:
                return None
            parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


assets = Assets()


def serve(filename: str, wanted: str | None) -> ResponseReturnValue:
    """Answer a static file: immutable for a year when the version matches, else for a day."""
    asset = assets.get(filename)
    if asset is None:
        abort(404)
    encoding = asset.encoding(request.accept_encodings)
    body = asset.encoded[encoding] if encoding else asset.body
    response = Response(body, mimetype=asset.mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    response.set_etag(f"{asset.version}-{encoding or 'identity'}")
    if wanted == asset.version:
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:  # an old or no version: still a day, then ask again (ETag)
        response.headers["Cache-Control"] = f"public, max-age={DAY}"
    return response.make_conditional(request)


def static_file(filename: str) -> ResponseReturnValue:
    """Replace Flask's static view: versioned, rewritten, precompressed."""
    return serve(filename, request.args.get("v"))


@bp.get("/vendor/socket.io.min.js")
def socketio_client() -> ResponseReturnValue:
    """Serve the self-hosted Socket.IO client (static/vendor, or straight from node_modules)."""
    return serve("vendor/socket.io.min.js", request.args.get("v"))


@bp.get("/sw.js")
def service_worker() -> ResponseReturnValue:
    """Serve the service worker that lets phone and tablet pages open again without network."""
    asset = assets.get("js/capture-sw.js")
    if asset is None:
        abort(404)
    response = Response(asset.body, mimetype=asset.mimetype)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """Serve the small icon browsers ask for on every page (pages also link favicon.svg)."""
    return serve("favicon.ico", request.args.get("v"))


def add_versions(endpoint: str | None, values: dict[str, Any]) -> None:
    """Add ?v=<content hash> to every URL of a static file (url_defaults callback)."""
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = assets.version(str(values["filename"]))
    elif endpoint == "assets.socketio_client" and "v" not in values:
        version = assets.version("vendor/socket.io.min.js")
    else:
        return
    if version:
        values["v"] = version


def init_assets(app: Flask) -> None:
    """Compress responses, version static URLs, serve static files through this module."""
    app.config.setdefault("COMPRESS_STREAMS", False)  # streamed exports go out as they are
    app.config.setdefault("COMPRESS_MIMETYPES", [*TEXT, "text/html", "application/json"])
    # brotli 5 beats zstd 3 (Flask-Compress's first choice) and gzip 6 on pages of 10-20 kB
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip", "deflate"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    compress.init_app(app)
    app.url_defaults(add_versions)
    app.view_functions["static"] = static_file


def blueprints() -> list[Blueprint]:
    """Return this module's blueprints."""
    return [bp]
