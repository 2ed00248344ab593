"""QR codes rendered on the server as inline SVG (no script, no image request)."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str, *, title: str | None = None) -> Markup:
    """Return an inline SVG QR code for url; size it with CSS (it has a viewBox only)."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(
        scale=1,
        border=2,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="qr",
        lineclass=None,
        title=title,
    )
    return Markup(svg)  # segno escapes the title; the URL is only in the path data
