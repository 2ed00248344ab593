"""Socket tokens known to be valid a moment ago: a socket write skips its token query.

Every socket write checks that its token still holds (a token may end while its socket is
open). Asking the database at every write cost the facilitator's "next" about a fifth of its
work before the broadcast (py-spy, BENCHMARKS.md "Fan-out"). A token found valid is trusted for
TTL_S seconds; whenever this process hears of an ended token (parcours.realtime.revoke: its own
revocations, and those other processes publish on the queue's control channel), the whole
cache is forgotten at once, before the sockets of that token are disconnected. So:

- in the process that ends a token, and in every process the revocation message reaches, no
  write is taken with the ended token after the revocation (and its sockets are gone anyway);
- if the message is lost (Redis down) a socket that was missed can still write for at most
  TTL_S seconds, then its next write is refused as before.

The socket connect uses a fresh entry of the same cache (LiveNamespace.on_connect: a phone
that reconnects right after a write costs no token query) but does not add one, so a socket's
first write still reads its token from the database; an ended token is forgotten before its
sockets are disconnected, so it cannot connect again from the cache. The group-commit writer
(parcours.realtime.writer) reads its batch's tokens in the batch's own transaction.
"""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.services.tokens import token_actor

TTL_S = 2.0
MOST = 50_000  # tokens remembered at most (then forgotten all at once)
_valid: dict[str, tuple[float, Actor, int]] = {}


def actor_of(session: Session, token: str | None, remember: bool = True) -> tuple[Actor, int]:
    """Return (Actor, token row id) like token_actor, from the cache while it is fresh.

    remember=False (the socket connect) uses a fresh entry but does not add one: a token read
    at connect is checked in the database again at the socket's first write.
    """
    now = time.monotonic()
    hit = _valid.get(token) if token else None
    if hit is not None and now - hit[0] < TTL_S:
        return hit[1], hit[2]
    actor, token_id = token_actor(session, token)  # raises Unauthorized for an ended token
    if not remember:
        return actor, token_id
    if len(_valid) >= MOST:
        _valid.clear()
    assert token is not None
    _valid[token] = (now, actor, token_id)
    return actor, token_id


def forget_all() -> None:
    """Forget every token: some token has ended (called by the revocation path)."""
    _valid.clear()
