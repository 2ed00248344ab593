"""Seed an event with records of every kind, inserted directly with the models."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from parcours.storage import (
    Announcement,
    Assignment,
    AuditEntry,
    CheckIn,
    FollowUp,
    Lead,
    Note,
    Participant,
    Segment,
    Station,
    WallCard,
    WallVote,
)


@dataclass
class Seeded:
    """What was inserted: ids by position, and every personal text to search for later."""

    event_id: int
    stations: list[int]
    people: list[int]
    personal: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def everything(self) -> list[str]:
        """Return every value that must be gone after shred."""
        return self.personal + self.texts


def cid() -> str:
    """Return a fresh client_id."""
    return str(uuid.uuid4())


PLAN = {1: [[0, 1], [2, 3], [4, 5]], 2: [[2, 4], [0, 5], [1, 3]]}
FOLLOW_UPS = [  # participant, station, topic, message, share_contact
    (0, 0, "Ausbildung", "Bitte rufen Sie mich wegen der Ausbildung an", True),
    (1, 0, "Fachkräfte", '=HYPERLINK("http://example.invalid";"Klick")', False),
    (2, 1, "Anerkennung", "Olena fragt nach der Anerkennung ihres Diploms", True),
    (5, 0, "Ausbildung", "", True),
    (3, 2, "Praktikum", "Monika möchte zwei Praktikumsplätze anbieten", False),
]
LEADS = [(0, 0, "Praktikum", "Jana am Dienstag anrufen"), (0, 1, "", "Deniz hat Interesse")]
NOTES = [
    ("p", 0, 0, "Meine private Notiz über die Agentur"),
    ("h", 0, 1, "{name} wirkt sehr motiviert"),
]
CARDS = [(0, "Mehr Sprachkurse am Abend", [1, 2, 3]), (2, "Kinderbetreuung während der Kurse", [4])]
ANNOUNCEMENT = "Frau Wächter bitte zur Anmeldung kommen"


def seed(session: Session, event_id: int, tag: str = "") -> Seeded:
    """Insert a plan, check-ins, follow-ups, leads, notes, wall cards and an announcement.

    tag is appended to every text, so that two seeded events hold different texts.
    """
    stations = list(
        session.scalars(
            select(Station.id).where(Station.event_id == event_id).order_by(Station.position)
        )
    )
    people = list(
        session.scalars(
            select(Participant.id).where(Participant.event_id == event_id).order_by(Participant.id)
        )
    )
    out = Seeded(event_id, stations, people)
    for p in session.scalars(select(Participant).where(Participant.event_id == event_id)):
        out.personal += [v for v in (p.name, p.email, p.phone) if v]
    out.personal += [
        h for h in session.scalars(select(Station.host).where(Station.event_id == event_id)) if h
    ]
    segment = session.scalar(
        select(Segment.id).where(Segment.event_id == event_id, Segment.kind == "parcours")
    )
    for rnd, groups in PLAN.items():
        for s_index, members in enumerate(groups):
            for m in members:
                if m < len(people) and s_index < len(stations):
                    session.add(
                        Assignment(
                            event_id=event_id,
                            segment_id=segment,
                            round=rnd,
                            participant_id=people[m],
                            station_id=stations[s_index],
                        )
                    )
                    if rnd == 1:
                        session.add(
                            CheckIn(
                                event_id=event_id,
                                participant_id=people[m],
                                client_id=cid(),
                                station_id=stations[s_index],
                                round=1,
                            )
                        )
    for p, s, topic, message, share in FOLLOW_UPS:
        message = message + tag if message else message
        session.add(
            FollowUp(
                event_id=event_id,
                participant_id=people[p],
                client_id=cid(),
                station_id=stations[s],
                topic=topic,
                message=message,
                share_contact=share,
            )
        )
        if message:
            out.texts.append(message)
    for s, p, topic, note in LEADS:
        note += tag
        session.add(
            Lead(
                event_id=event_id,
                station_id=stations[s],
                client_id=cid(),
                participant_id=people[p],
                topic=topic,
                note=note,
            )
        )
        out.texts.append(note)
    names = dict(
        session.execute(
            select(Participant.id, Participant.name).where(Participant.event_id == event_id)
        ).all()
    )
    for kind, s, p, text in NOTES:
        text = text.format(name=names[people[p]]) + tag
        author = f"p:{people[p]}" if kind == "p" else f"h:{stations[s]}"
        session.add(
            Note(
                event_id=event_id,
                author=author,
                client_id=cid(),
                station_id=stations[s],
                participant_id=people[p],
                round=1,
                text=text,
            )
        )
        out.texts.append(text)
    for p, text, voters in CARDS:
        text += tag
        card = WallCard(
            event_id=event_id,
            participant_id=people[p],
            client_id=cid(),
            text=text,
            status="approved",
            votes=len(voters),
        )
        session.add(card)
        session.flush()
        for v in voters:
            session.add(WallVote(card_id=card.id, participant_id=people[v]))
        out.texts.append(text)
    session.add(Announcement(event_id=event_id, text=ANNOUNCEMENT + tag))
    out.texts.append(ANNOUNCEMENT + tag)
    session.add(
        AuditEntry(
            event_id=event_id,
            actor="test",
            action="participant.edit",
            detail={"name": out.personal[0], "note": "copied by some feature"},
        )
    )
    session.commit()
    return out


def consenting(seeded: Seeded, station_index: int) -> set[int]:
    """Return the participant ids who agreed to share their contact with a station."""
    return {seeded.people[p] for p, s, _t, _m, share in FOLLOW_UPS if s == station_index and share}


def row_dicts(headers: list[Any], rows: list[list[Any]]) -> list[dict[str, Any]]:
    """Return rows as dicts by header."""
    return [dict(zip(headers, row, strict=False)) for row in rows]
