"""parcours.asyncmode.apply_mask unmasks websocket frames exactly as eventlet's own loop does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parcours.asyncmode import apply_mask


def eventlet_mask(data: bytes, mask: bytes, length: int | None = None, offset: int = 0) -> bytes:
    """eventlet.websocket.RFC6455WebSocket._apply_mask as eventlet 0.36+ writes it."""
    if length is None:
        length = len(data)
    return b"".join(bytes((data[i] ^ mask[(offset + i) % 4],)) for i in range(length))


@given(
    data=st.binary(max_size=600),
    mask=st.binary(min_size=4, max_size=4),
    offset=st.integers(min_value=0, max_value=10_000),
    cut=st.integers(min_value=0, max_value=600),
    whole=st.booleans(),
)
def test_the_fast_mask_equals_eventlet_s(
    data: bytes, mask: bytes, offset: int, cut: int, whole: bool
) -> None:
    length = None if whole else min(cut, len(data))
    assert apply_mask(data, mask, length, offset) == eventlet_mask(data, mask, length, offset)


def test_masking_twice_gives_the_frame_back() -> None:
    frame = "Gespräch über Ausbildung, Sprachkurs 🙂".encode() * 50
    mask = bytes([0x8F, 0x01, 0xFE, 0x42])
    assert apply_mask(apply_mask(frame, mask), mask) == frame
    as_read = (0x8F, 0x01, 0xFE, 0x42)  # eventlet reads a frame's mask as a tuple of ints
    assert apply_mask(frame, as_read, 77, 3) == eventlet_mask(frame, as_read, 77, 3)  # type: ignore[arg-type]


def test_eventlet_uses_it_once_patched() -> None:
    import subprocess
    import sys

    code = (
        "from parcours.asyncmode import monkey_patch, apply_mask; monkey_patch(); "
        "from eventlet.websocket import RFC6455WebSocket as W; "
        "assert W._apply_mask is apply_mask, W._apply_mask; "
        "assert W._apply_mask(b'abcd', bytes([1, 2, 3, 4])) == bytes([96, 96, 96, 96])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
