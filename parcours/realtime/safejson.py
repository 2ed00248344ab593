"""The JSON of socket packets: input nested too deeply becomes a payload the dispatcher refuses.

Python's json parser recurses; an event nested 20,000 levels deep raises RecursionError while
python-socketio decodes the packet, before any handler runs, and the client hears nothing. Here
such a packet keeps its event name (and so its acknowledgement id) and carries TOO_DEEP as its
payload, which every operation refuses with 400 like any body that is not a JSON object.
"""

from __future__ import annotations

import json
import re
from typing import Any

TOO_DEEP = "nested too deeply"
EVENT_NAME = re.compile(r'^\s*\[\s*"([A-Za-z0-9_]{1,64})"')


def dumps(obj: Any, **kwargs: Any) -> str:
    """Encode like the json module."""
    return json.dumps(obj, **kwargs)


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """Decode like the json module; a RecursionError becomes [event, TOO_DEEP] (or TOO_DEEP)."""
    try:
        return json.loads(text, **kwargs)
    except RecursionError:
        found = EVENT_NAME.match(text if isinstance(text, str) else text.decode("utf-8", "replace"))
        return [found.group(1), TOO_DEEP] if found else TOO_DEEP
