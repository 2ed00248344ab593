"""One vocabulary of kinds: every list and every label knows the same kinds, the new ones
(refugee or job seeker, volunteer) included."""

from __future__ import annotations

from typing import Any


def test_every_place_lists_the_same_kinds(app: Any) -> None:
    from parcours import catalogue
    from parcours.exports.scope import KIND_LABELS as EXPORT_LABELS
    from parcours.schemas.common import KINDS
    from parcours.services.plans.views import KIND_ORDER
    from parcours.web.labels import LABELS
    from parcours.web.organiser.common import KIND_LABELS, kind_labels
    from parcours.web.organiser.csv_import import KIND_EXAMPLES, KIND_WORDS

    assert {"jobseeker", "volunteer"} <= set(KINDS)
    assert tuple(catalogue.KINDS) == tuple(KINDS) == tuple(KIND_ORDER) == tuple(KIND_LABELS)
    assert set(EXPORT_LABELS) == set(KIND_WORDS) == set(KIND_EXAMPLES) == set(KINDS)
    assert set(KINDS) <= set(LABELS)
    with app.test_request_context(headers={"Accept-Language": "de"}):
        labels = kind_labels()
        assert set(labels) == set(KINDS)
        assert labels["jobseeker"] == "Geflüchtete oder Arbeitsuchende"
        assert labels["volunteer"] == "Ehrenamt"


def test_a_participant_of_a_new_kind_can_register(client: Any, make_event: Any) -> None:
    info = make_event("small")
    for kind in ("jobseeker", "volunteer"):
        body = {"name": f"Person {kind}", "kind": kind, "consent": True}
        response = client.post(f"/api/v1/join/{info['join_code']}", json=body)
        assert response.status_code == 201, response.json
        assert response.json["participant"]["kind"] == kind
