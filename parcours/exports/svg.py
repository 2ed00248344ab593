"""Charts drawn on the server as SVG: no network, no JavaScript, readable in print."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count

from markupsafe import Markup, escape

COLOURS = ("#0b5cad", "#9aa7b4", "#1a7f37", "#b35900")
FONT = "font-family=\"system-ui, 'Noto Sans', Arial, sans-serif\""
LABEL_CHARS = 36
_ids = count(1)


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _open(width: int, height: int, title: str) -> list[str]:
    ident = f"chart-{next(_ids)}"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-labelledby="{ident}" {FONT}'
        ' font-size="13">',
        f'<title id="{ident}">{escape(title)}</title>',
    ]


def _legend(series: Sequence[str], x: int, y: int) -> list[str]:
    parts = []
    for index, name in enumerate(series):
        left = x + index * 170
        colour = COLOURS[index % len(COLOURS)]
        parts.append(f'<rect x="{left}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{left + 18}" y="{y}">{escape(name)}</text>')
    return parts


def bar_chart(
    items: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    series: Sequence[str] = (),
    width: int = 720,
) -> Markup:
    """Draw horizontal bars, one row per label and one bar per series value."""
    per_row = max((len(values) for _, values in items), default=1)
    bar, gap, label_w, top = 14, 10, 290, 12 + (24 if len(series) > 1 else 0)
    row_h = per_row * bar + gap
    height = top + max(len(items), 1) * row_h + 8
    peak = max((v for _, values in items for v in values), default=0) or 1
    span = width - label_w - 60
    parts = _open(width, height, title)
    if len(series) > 1:
        parts += _legend(series, label_w, 16)
    if not items:
        parts.append(f'<text x="{label_w}" y="{top + 14}" fill="#5b6570">–</text>')
    for row, (label, values) in enumerate(items):
        y = top + row * row_h
        middle = y + per_row * bar / 2 + 4
        parts.append(
            f'<text x="{label_w - 8}" y="{middle:.0f}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_short(label))}</text>"
        )
        for index, value in enumerate(values):
            length = max(value / peak * span, 0)
            by = y + index * bar
            colour = COLOURS[index % len(COLOURS)]
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{length:.1f}" height="{bar - 2}"'
                f' fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{label_w + length + 5:.1f}" y="{by + bar - 4}">{_number(value)}</text>'
            )
    parts.append(f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{height - 6}"'
                 ' stroke="#1b1f24"/>')  # fmt: skip
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    x_label: str = "",
    y_label: str = "",
    width: int = 680,
    height: int = 260,
) -> Markup:
    """Draw vertical columns (a histogram): one column per label."""
    left, bottom, top = 48, 44, 18
    plot_w, plot_h = width - left - 10, height - top - bottom
    peak = max((v for _, v in items), default=0) or 1
    step = plot_w / max(len(items), 1)
    parts = _open(width, height, title)
    base = top + plot_h
    parts.append(f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#1b1f24"/>')
    label_every = max(1, round(len(items) / 20))
    for index, (label, value) in enumerate(items):
        h = value / peak * plot_h
        x = left + index * step
        parts.append(
            f'<rect x="{x + step * 0.1:.1f}" y="{base - h:.1f}" width="{step * 0.8:.1f}"'
            f' height="{h:.1f}" fill="{COLOURS[0]}"><title>{escape(label)}: {_number(value)}'
            "</title></rect>"
        )
        if value:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{base - h - 4:.1f}" text-anchor="middle"'
                f' font-size="11">{_number(value)}</text>'
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{base + 16}" text-anchor="middle"'
                f' font-size="11">{escape(label)}</text>'
            )
    parts.append(
        f'<text x="{left + plot_w / 2:.0f}" y="{height - 8}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
    )
    parts.append(
        f'<text x="14" y="{top + plot_h / 2:.0f}" text-anchor="middle"'
        f' transform="rotate(-90 14 {top + plot_h / 2:.0f})">{escape(y_label)}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
