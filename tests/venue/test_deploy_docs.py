"""Each proxy config docs/deploy.md shows is, line for line, a file in deploy/ that
tests/venue/test_proxies.py runs."""

from __future__ import annotations

import re

from tests.conftest import ROOT
from tests.venue.test_proxies import CONFIGS

DOCS = ROOT / "docs" / "deploy.md"
DEPLOY = ROOT / "deploy"
BLOCK = re.compile(r"```(nginx|caddyfile)\n(.*?)```", re.S)


def test_every_config_in_the_docs_is_a_tested_file() -> None:
    text = DOCS.read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    assert len(blocks) == len(CONFIGS)
    shown = set()
    for _kind, block in blocks:
        holders = [name for name in CONFIGS if block in (DEPLOY / name).read_text()]
        assert holders, f"this config in docs/deploy.md is in no file of deploy/:\n{block}"
        shown.update(holders)
    assert shown == set(CONFIGS)
    # and every file in deploy/ is one the proxy test runs
    assert sorted(p.name for p in DEPLOY.iterdir()) == sorted(CONFIGS)
