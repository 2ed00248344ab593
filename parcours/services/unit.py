"""The unit of work: the one place where a page action or a use case commits or rolls back.

- `transaction(session)`: commit what the block did; on any failure roll it all back (what
  was told before a commit that succeeded is still delivered: it is stored).
- `unit_of_work`: a use case that refuses (ParcoursError) leaves nothing behind, and nothing
  it told after its last successful commit is published.
- `page_action`: every page that takes a POST runs as one transaction on the request's session,
  so no view commits or rolls back (parcours.operations.run does the same for the API).
- `own_session()`: a background task's session, rolled back on failure and always closed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from parcours.domain.errors import ParcoursError
from parcours.extensions import db
from parcours.services.broadcasts import deliver, hand_on, open_outbox

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Commit what the block did, then hand what it told (parcours.services.broadcasts) to the
    publisher; if it fails, roll back, deliver only what was told before a commit that
    succeeded (a use case that commits part-way: that is stored) and re-raise."""
    outbox = open_outbox(session)
    try:
        yield session
        session.commit()
    except BaseException:
        outbox.close()
        try:
            session.rollback()
        finally:
            deliver(outbox.committed)
        raise
    outbox.close()
    deliver(outbox)


def unit_of_work(
    use_case: Callable[Concatenate[Session, P], R],
) -> Callable[Concatenate[Session, P], R]:
    """Run a use case as one unit of work: it commits what it did; if it refuses, nothing stays.

    What it tells is collected apart and handed to the enclosing unit of work (or the
    publisher) only when it succeeds; if it refuses (ParcoursError) it is rolled back and
    only what it told before a commit that succeeded goes on. A page can then re-render its
    form on the same session after a refusal.
    """

    @functools.wraps(use_case)
    def run(session: Session, *args: P.args, **kwargs: P.kwargs) -> R:
        outbox = open_outbox(session)
        try:
            result = use_case(session, *args, **kwargs)
        except ParcoursError:
            session.rollback()
            hand_on(outbox, failed=True)
            raise
        except BaseException:
            hand_on(outbox, failed=True)  # the enclosing unit of work rolls back
            raise
        hand_on(outbox, failed=False)
        return result

    return run


def page_action(view: Callable[P, R]) -> Callable[P, R]:
    """Run a page's POST as one transaction on the request's session."""

    @functools.wraps(view)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction(db.session()):
            return view(*args, **kwargs)

    run.page_action = True  # type: ignore[attr-defined]  # checked by tests/web/test_page_actions
    return run


@contextmanager
def own_session() -> Iterator[Session]:
    """Yield a fresh session for work outside a request; roll back on failure, always close."""
    session = db.new_session()
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
