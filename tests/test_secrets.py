"""The secret key: a short PARCOURS_SECRET_KEY is refused at start; the generated key file is
readable by its owner only from the moment it exists."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

SHORT = "x" * 31


def test_a_short_secret_key_is_refused_at_start(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PARCOURS_SECRET_KEY": SHORT,
        "PARCOURS_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
    }
    for args in (["serve", "--port", "1"], ["db", "upgrade"]):
        done = subprocess.run(
            [sys.executable, "-m", "parcours", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=False,
        )
        assert done.returncode != 0
        assert "PARCOURS_SECRET_KEY is too short (31 characters)" in done.stderr
        assert "at least 32" in done.stderr
        assert "parcours serving" not in done.stdout


def test_a_key_of_32_characters_is_taken_as_it_is(monkeypatch: Any) -> None:
    from parcours.config import Config

    monkeypatch.setenv("PARCOURS_SECRET_KEY", "k" * 32)
    assert Config().SECRET_KEY == "k" * 32
    monkeypatch.setenv("PARCOURS_SECRET_KEY", SHORT)
    with pytest.raises(SystemExit, match="too short"):
        Config()


def test_the_key_file_is_made_with_mode_600_not_chmod_ed_later(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from parcours.config import _instance_secret

    def no_chmod(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the key file was readable by others until a chmod")

    monkeypatch.setattr(Path, "chmod", no_chmod)
    monkeypatch.setattr(os, "chmod", no_chmod)
    old = os.umask(0)  # even with a permissive umask
    try:
        key = _instance_secret(tmp_path / "instance")
    finally:
        os.umask(old)
    path = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) >= 32
    assert _instance_secret(tmp_path / "instance") == key  # kept across restarts
