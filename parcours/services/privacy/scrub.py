"""The safety net of shred: find an event's names, e-mails and phones wherever they were copied.

Every table with an event_id column is searched: free-text columns (Text, long String) and
JSON columns. Short strings are codes and enums (tokens, client ids, kinds) and are skipped.
A value is replaced where it appears whole, case-insensitively, by "[deleted]".
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import JSON, Column, String, Table, Text, and_, select, update
from sqlalchemy.orm import Session

from parcours.storage import Base, Participant, Station

REPLACEMENT = "[deleted]"
MIN_LENGTH = 3
LONG_STRING = 100
WORD = re.compile(r"\w+")


class Matcher:
    """Find and replace personal values in texts; a word index keeps it fast."""

    def __init__(self, values: set[str]) -> None:
        self.values = sorted({v.strip() for v in values if len(v.strip()) >= MIN_LENGTH},
                             key=len, reverse=True)  # fmt: skip
        self.index: dict[str, list[str]] = {}
        for value in self.values:
            for word in set(WORD.findall(value.casefold())):
                self.index.setdefault(word, []).append(value)

    def replace(self, text: str) -> str:
        """Return text with every personal value in it replaced."""
        lower = text.casefold()
        candidates = {v for w in set(WORD.findall(lower)) for v in self.index.get(w, ())}
        for value in sorted(candidates, key=len, reverse=True):
            if value.casefold() in lower:
                text = re.sub(re.escape(value), REPLACEMENT, text, flags=re.IGNORECASE)
                lower = text.casefold()
        return text

    def walk(self, data: Any) -> Any:
        """Return JSON data with personal values replaced in every string."""
        if isinstance(data, str):
            return self.replace(data)
        if isinstance(data, list):
            return [self.walk(v) for v in data]
        if isinstance(data, dict):
            return {
                self.walk(k) if isinstance(k, str) else k: self.walk(v) for k, v in data.items()
            }
        return data


def personal_values(session: Session, event_id: int) -> set[str]:
    """Return the event's names, e-mail addresses and phone numbers (hosts' names included)."""
    values: set[str] = set()
    rows = session.execute(
        select(Participant.name, Participant.email, Participant.phone).where(
            Participant.event_id == event_id
        )
    )
    for row in rows:
        values.update(v for v in row if v)
    values.update(
        h for h in session.scalars(select(Station.host).where(Station.event_id == event_id)) if h
    )
    return values


def _texty(column: Column[Any]) -> str | None:
    kind = column.type
    if isinstance(kind, JSON):
        return "json"
    if isinstance(kind, Text) or (
        isinstance(kind, String) and (kind.length is None or kind.length >= LONG_STRING)
    ):
        return "text"
    return None


def _scrub_text(session: Session, table: Table, column: Column[Any], event_id: int,
                matcher: Matcher) -> int:  # fmt: skip
    where = table.c.event_id == event_id
    changed = 0
    for value in session.scalars(select(column).where(where, column.is_not(None)).distinct()):
        new = matcher.replace(str(value))
        if new != value:
            session.execute(update(table).where(where, column == value).values({column.name: new}))
            changed += 1
    return changed


def _scrub_json(session: Session, table: Table, column: Column[Any], event_id: int,
                matcher: Matcher) -> int:  # fmt: skip
    keys = list(table.primary_key.columns)
    changed = 0
    stmt = select(*keys, column).where(table.c.event_id == event_id, column.is_not(None))
    for row in session.execute(stmt).all():
        value = row[-1]
        text = json.dumps(value, ensure_ascii=False)
        if matcher.replace(text) == text:
            continue
        match = and_(*(k == row[i] for i, k in enumerate(keys)))
        session.execute(update(table).where(match).values({column.name: matcher.walk(value)}))
        changed += 1
    return changed


def scrub_event(session: Session, event_id: int, values: set[str]) -> int:
    """Replace the values in every table of the event; return how many values changed."""
    matcher = Matcher(values)
    if not matcher.values:
        return 0
    session.flush()
    changed = 0
    for table in Base.metadata.sorted_tables:
        if "event_id" not in table.c:
            continue
        for column in table.columns:
            if column.primary_key or column.foreign_keys:
                continue
            kind = _texty(column)
            if kind == "text":
                changed += _scrub_text(session, table, column, event_id, matcher)
            elif kind == "json":
                changed += _scrub_json(session, table, column, event_id, matcher)
    return changed
