"""Every page that takes a POST runs as one unit of work (parcours.services.unit.page_action)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select


def test_every_page_post_is_a_page_action(app: Any) -> None:
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ())
        and not rule.endpoint.startswith("api.")
        and not getattr(app.view_functions[rule.endpoint], "page_action", False)
    ]
    assert missing == []


def test_a_failing_page_action_leaves_nothing_behind(app: Any) -> None:
    """What the action added before it failed is rolled back; what succeeds is committed."""
    from parcours.extensions import db
    from parcours.services.unit import page_action
    from parcours.storage import AuditEntry

    @page_action
    def fails() -> None:
        db.session().add(AuditEntry(event_id=None, actor="test", action="half", detail={}))
        db.session().flush()
        raise RuntimeError("the page broke half-way")

    @page_action
    def works() -> None:
        db.session().add(AuditEntry(event_id=None, actor="test", action="whole", detail={}))

    with app.test_request_context("/", method="POST"):
        with pytest.raises(RuntimeError):
            fails()
        works()
    with app.app_context():
        other = db.new_session()
        actions = list(other.scalars(select(AuditEntry.action).where(AuditEntry.actor == "test")))
        assert actions == ["whole"]
        assert other.scalar(select(func.count()).select_from(AuditEntry)) >= 1
        other.close()
