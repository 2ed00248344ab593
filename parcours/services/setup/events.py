"""Create events from event files (CONTRACT §2) and describe what was created."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from parcours.catalogue import CatalogueError, StationTemplate, load_catalogue
from parcours.domain.errors import Invalid
from parcours.domain.vocabulary import STATION_FIELDS
from parcours.schemas.common import flatten, load, problems
from parcours.schemas.eventfile import EventFileSchema
from parcours.services.common import audit, issue_token, new_code
from parcours.storage import AccessToken, Clock, Event, Participant, Segment, Station, utcnow


def validate_event_file(data: Any) -> dict[str, Any]:
    """Load and cross-check an event file; raise Invalid with every problem, each by its path.

    The cross-checks (station names, templates, codes, references) also run when the schema
    found errors, over what can be read of the file, so one upload shows all that is wrong.
    """
    errors: dict[str, list[str]] = {}
    loaded: dict[str, Any] | None = None
    try:
        loaded = load(EventFileSchema(), data)
    except Invalid as err:
        if not isinstance(data, dict):
            raise
        errors = {path: list(msgs) for path, msgs in err.fields.items()}
    try:
        catalogue = load_catalogue()
    except CatalogueError as err:
        raise Invalid("The station catalogue is broken: " + "; ".join(err.problems)) from None
    checked = loaded if loaded is not None else readable_part(data)
    found: dict[str, list[str]] = {}
    _resolve_stations(checked["stations"], catalogue, found)
    _check_references(checked, found)
    for path, msgs in found.items():
        if not any(path == p or path.startswith((p + ".", p + "[")) for p in errors):
            errors[path] = msgs  # a schema message on the same value says it already
    if errors or loaded is None:
        raise Invalid("; ".join(problems(errors)), errors)
    return loaded


def _texts(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [v for v in value if isinstance(v, str)]


def readable_part(data: dict[str, Any]) -> dict[str, Any]:
    """Return what the cross-checks can use of a file that failed the schema (same indexes)."""

    def items(key: str) -> list[dict[str, Any]]:
        value = data.get(key)
        return [v if isinstance(v, dict) else {} for v in value] if isinstance(value, list) else []

    stations = []
    for raw in items("stations"):
        station = {k: raw[k] for k in ("template", "name", "code") if isinstance(raw.get(k), str)}
        if not raw:  # not a table: the schema said so; do not add "name is required"
            station["name"] = "?"
        station.update(
            topics=_texts(raw.get("topics")),
            questions=_texts(raw.get("questions")),
            capacity=raw["capacity"] if type(raw.get("capacity")) is int else None,
        )
        stations.append(station)
    participants = [
        {k: _texts(raw.get(k)) or [] for k in ("interests", "must_visit")}
        for raw in items("participants")
    ]
    agenda = [
        {"kind": raw.get("kind"), "rounds": raw["rounds"] if type(raw.get("rounds")) is int else 0}
        for raw in items("agenda")
    ]
    return {"stations": stations, "participants": participants, "agenda": agenda}


def _resolve_stations(
    stations: list[dict[str, Any]],
    catalogue: dict[str, StationTemplate],
    errors: dict[str, list[str]],
) -> None:
    codes: set[str] = set()
    for index, station in enumerate(stations):
        slug = station.get("template")
        template = catalogue.get(slug) if slug else None
        if slug and template is None:
            errors.setdefault(f"stations[{index}].template", []).append(
                f"unknown template '{slug}' (known: {', '.join(sorted(catalogue))})"
            )
        if not station.get("name") and template is None:
            errors.setdefault(f"stations[{index}].name", []).append(
                "is required without a template"
            )
        if template is not None:
            for key in ("name", "kind", "description"):
                if station.get(key) is None:
                    station[key] = getattr(template, key)
            if station.get("topics") is None:
                station["topics"] = list(template.topics)
            if station.get("questions") is None:
                station["questions"] = list(template.questions)
            if station.get("capacity") is None and template.capacity:
                station["capacity"] = template.capacity
        station.setdefault("kind", "other")
        station["kind"] = station.get("kind") or "other"
        station["description"] = station.get("description") or ""
        station["topics"] = station.get("topics") or []
        station["questions"] = station.get("questions") or []
        station["capacity"] = station.get("capacity") or 10
        code = station.get("code")
        if code and code in codes:
            errors.setdefault(f"stations[{index}].code", []).append(f"'{code}' is used twice")
        if code:
            codes.add(code)


def station_refs(station: dict[str, Any]) -> set[str]:
    """Return the names an interest may use for a station: template, code or name."""
    refs = {station.get("template"), station.get("code"), station.get("name")}
    return {r for r in refs if r}


def _check_references(loaded: dict[str, Any], errors: dict[str, list[str]]) -> None:
    known: set[str] = set()
    for station in loaded["stations"]:
        known |= station_refs(station)
    for index, person in enumerate(loaded["participants"]):
        for key in ("interests", "must_visit", "avoid"):
            for pos, ref in enumerate(person.get(key) or []):
                if ref not in known:
                    errors.setdefault(f"participants[{index}].{key}[{pos}]", []).append(
                        f"no station with template, code or name '{ref}'"
                    )
    count = len(loaded["stations"])
    for index, segment in enumerate(loaded["agenda"]):
        if segment["kind"] == "parcours" and segment["rounds"] > count:
            errors.setdefault(f"agenda[{index}].rounds", []).append(
                f"must not exceed the number of stations ({count}): nobody visits a station twice"
            )


EVENT_FIELDS = (
    "title",
    "venue",
    "starts_at",
    "timezone",
    "language",
    "retention_days",
    "auto_advance",
)


def create_event(
    session: Session, data: Any, *, organiser_id: int | None = None, demo_key: str | None = None
) -> Event:
    """Validate an event file and write the event with its tokens; nothing is written on error."""
    loaded = validate_event_file(data)
    head = loaded["event"]
    event = Event(
        **{key: head[key] for key in EVENT_FIELDS},
        max_participants=head.get("max_participants"),
        join_code=_unique_join_code(session),
        organiser_id=organiser_id,
        demo_key=demo_key,
    )
    session.add(event)
    session.flush()
    for position, seg in enumerate(loaded["agenda"]):
        session.add(segment_from_data(event.id, position, seg))
    stations = _add_stations(session, event, loaded["stations"])
    for person in loaded["participants"]:
        add_participant(session, event, person, stations, source="file")
    session.add(Clock(event_id=event.id))
    for role in ("organiser", "facilitator", "screen"):
        issue_token(session, event.id, role)
    for station in stations.values():
        issue_token(session, event.id, "host", station_id=station.id)
    audit(session, event.id, f"organiser:{organiser_id}" if organiser_id else "cli", "event.create")
    session.flush()
    return event


def segment_from_data(event_id: int, position: int, seg: dict[str, Any]) -> Segment:
    """Build an agenda segment; a parcours gets its length from rounds and transitions."""
    minutes = seg.get("minutes")
    if seg["kind"] == "parcours":
        rounds, rm, tm = seg["rounds"], seg["round_minutes"], seg.get("transition_minutes") or 0
        minutes = rounds * rm + (rounds - 1) * tm
    return Segment(
        event_id=event_id,
        position=position,
        title=seg["title"],
        kind=seg["kind"],
        minutes=minutes or 1,
        rounds=seg.get("rounds") or 0,
        round_minutes=seg.get("round_minutes") or 0,
        transition_minutes=seg.get("transition_minutes") or 0,
        mode=seg.get("mode") or "individual",
    )


def _add_stations(
    session: Session, event: Event, items: list[dict[str, Any]]
) -> dict[int, Station]:
    used = {s["code"] for s in items if s.get("code")}
    out: dict[int, Station] = {}
    for index, item in enumerate(items):
        code = item.get("code")
        while not code or (code in used and item.get("code") != code):
            code = new_code(4)
        used.add(code)
        station = Station(
            event_id=event.id,
            position=index,
            code=code,
            template=item.get("template"),
            **{key: item[key] for key in STATION_FIELDS},
            organisation=item.get("organisation") or "",
            topics=list(item["topics"]),
            questions=list(item["questions"]),
        )
        session.add(station)
        out[index] = station
    session.flush()
    return out


def add_participant(
    session: Session,
    event: Event,
    person: dict[str, Any],
    stations: dict[int, Station],
    *,
    source: str,
) -> tuple[Participant, AccessToken]:
    """Add a participant with their personal token; interests given as station refs."""

    def ids(refs: list[str]) -> list[int]:
        return sorted({s.id for s in stations.values() if refs and set(refs) & _refs_of(s)})

    participant = Participant(
        event_id=event.id,
        name=person["name"],
        organisation=person.get("organisation") or "",
        kind=person.get("kind") or "other",
        email=person.get("email"),
        phone=person.get("phone"),
        language=person.get("language") or event.language,
        interests=ids(person.get("interests") or []),
        must_visit=ids(person.get("must_visit") or []),
        avoid=ids(person.get("avoid") or []),
        stay_put=bool(person.get("stay_put")),
        absent_rounds=sorted(set(person.get("absent_rounds") or [])),
        source=source,
        consent_at=utcnow() if person.get("consent") else None,
    )
    session.add(participant)
    session.flush()
    token = issue_token(session, event.id, "participant", participant_id=participant.id)
    return participant, token


def _refs_of(station: Station) -> set[str]:
    return {r for r in (station.template, station.code, station.name) if r}


def _unique_join_code(session: Session) -> str:
    while True:
        code = new_code(6)
        if session.scalar(select(Event.id).where(Event.join_code == code)) is None:
            return code


def describe_created(session: Session, event: Event) -> dict[str, Any]:
    """Return the --json description of CONTRACT §1 for an event."""
    tokens = session.scalars(
        select(AccessToken).where(AccessToken.event_id == event.id).order_by(AccessToken.id)
    ).all()
    by_role: dict[str, str] = {}
    hosts: dict[int, str] = {}
    people: dict[int, str] = {}
    for tok in tokens:
        if tok.role == "host" and tok.station_id is not None:
            hosts.setdefault(tok.station_id, tok.token)
        elif tok.role == "participant" and tok.participant_id is not None:
            people.setdefault(tok.participant_id, tok.token)
        else:
            by_role.setdefault(tok.role, tok.token)
    return {
        "event_id": event.id,
        "join_code": event.join_code,
        "organiser_token": by_role.get("organiser"),
        "facilitator_token": by_role.get("facilitator"),
        "screen_token": by_role.get("screen"),
        "stations": [
            {"id": s.id, "name": s.name, "code": s.code, "host_token": hosts.get(s.id)}
            for s in event.stations
        ],
        "participants": [
            {
                "id": p.id,
                "name": p.name,
                "token": people.get(p.id),
                "personal_code": p.printed_code,
            }
            for p in event.participants
        ],
    }


__all__ = ["create_event", "describe_created", "flatten", "validate_event_file"]
