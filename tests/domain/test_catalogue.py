"""The station catalogue in stations/*.toml and its loader."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from parcours.catalogue import (
    KINDS,
    CatalogueError,
    StationTemplate,
    default_directory,
    load_catalogue,
    load_template,
)

REQUIRED = {
    "agentur-fuer-arbeit",
    "jobcenter",
    "auslaenderbehoerde",
    "ihk",
    "handwerkskammer",
    "anerkennungsberatung",
    "migrationsberatung",
    "sprachkurstraeger",
    "unternehmen",
    "welcome-center",
}

EXAMPLES = default_directory() / "examples"

GOOD = """\
slug = "{slug}"
name = "Beispielstation"
kind = "organisation"
description = "Eine Station zum Testen."
topics = ["Erstes Thema", "Zweites Thema"]
questions = ["Eine Leitfrage?"]
capacity = 8

[en]
name = "Example station"
topics = ["First topic", "Second topic"]
"""


def write(directory: Path, slug: str, text: str | None = None) -> Path:
    path = directory / f"{slug}.toml"
    path.write_text(text if text is not None else GOOD.format(slug=slug), encoding="utf-8")
    return path


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(directory)
    return info.value.problems


# ------------------------------------------------------------------ the real catalogue


def test_real_catalogue_loads_with_every_required_template() -> None:
    catalogue = load_catalogue()
    assert len(catalogue) >= 12
    assert set(catalogue) >= REQUIRED
    assert list(catalogue) == sorted(catalogue)
    for slug, template in catalogue.items():
        assert isinstance(template, StationTemplate)
        assert template.slug == slug
        assert template.kind in KINDS
        assert 4 <= len(template.topics) <= 7, slug
        assert 3 <= len(template.questions) <= 5, slug


def test_real_catalogue_has_complete_english_texts() -> None:
    for slug, template in load_catalogue().items():
        en = template.localized("en")
        de = template.localized("de")
        assert set(template.en) == {"name", "description", "topics", "questions"}, slug
        assert len(en["topics"]) == len(de["topics"]), slug
        assert len(en["questions"]) == len(de["questions"]), slug
        assert en["name"] != de["name"], slug


def test_real_catalogue_covers_the_kinds_of_hosts() -> None:
    kinds = {t.kind for t in load_catalogue().values()}
    assert {"company", "authority", "organisation", "chamber"} <= kinds


def test_examples_directory_is_not_part_of_the_catalogue() -> None:
    assert not {"demo", "small"} & set(load_catalogue())


def test_localized_falls_back_to_german() -> None:
    template = load_catalogue()["ihk"]
    assert template.localized("de")["name"] == template.name
    assert template.localized("fr")["name"] == template.name
    assert template.localized("en-GB")["name"] == template.en["name"]
    assert template.localized("en")["topics"] == list(template.en["topics"])


def test_localized_fills_missing_english_fields_from_german(tmp_path: Path) -> None:
    template = load_template(write(tmp_path, "beispiel"))
    en = template.localized("en")
    assert en["name"] == "Example station"
    assert en["description"] == "Eine Station zum Testen."
    assert en["questions"] == ["Eine Leitfrage?"]
    assert en["topics"] == ["First topic", "Second topic"]


def test_template_is_hashable_and_immutable(tmp_path: Path) -> None:
    template = load_template(write(tmp_path, "beispiel"))
    assert template.capacity == 8
    assert template.topics == ("Erstes Thema", "Zweites Thema")
    hash(template)
    with pytest.raises(AttributeError):
        template.name = "x"  # type: ignore[misc]


# ------------------------------------------------------------------ broken templates


def test_empty_topics_names_file_and_field(tmp_path: Path) -> None:
    write(
        tmp_path,
        "ihk",
        GOOD.format(slug="ihk").replace(
            'topics = ["Erstes Thema", "Zweites Thema"]\nquestions', "topics = []\nquestions"
        ),
    )
    problems = problems_of(tmp_path)
    assert any(p.endswith("ihk.toml: topics: must not be empty") for p in problems), problems


def test_load_template_raises_with_file_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path, "beispiel", GOOD.format(slug="beispiel").replace("capacity = 8", "capacity = 0")
    )
    with pytest.raises(CatalogueError) as info:
        load_template(path)
    assert info.value.problems == [f"{path}: capacity: must be at least 1"]
    assert "beispiel.toml: capacity: must be at least 1" in str(info.value)


def test_unknown_kind(tmp_path: Path) -> None:
    write(tmp_path, "firma", GOOD.format(slug="firma").replace('"organisation"', '"firma"'))
    (problem,) = problems_of(tmp_path)
    assert "firma.toml: kind: must be one of company, authority" in problem
    assert "'firma'" in problem


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    text = GOOD.format(slug="beispiel").replace("capacity = 8", 'capacity = 8\ncolour = "rot"')
    text += 'hint = "x"\n'  # inside [en]
    write(tmp_path, "beispiel", text)
    problems = problems_of(tmp_path)
    assert any(p.endswith("beispiel.toml: colour: unknown key") for p in problems), problems
    assert any(p.endswith("beispiel.toml: en.hint: unknown key") for p in problems), problems


def test_slug_must_match_file_name(tmp_path: Path) -> None:
    write(tmp_path, "jobcenter", GOOD.format(slug="job-center"))
    (problem,) = problems_of(tmp_path)
    assert "jobcenter.toml: slug: must match the file name" in problem


def test_slug_must_be_lowercase_with_hyphens(tmp_path: Path) -> None:
    write(tmp_path, "Job_Center", GOOD.format(slug="Job_Center"))
    problems = problems_of(tmp_path)
    assert any("Job_Center.toml: slug:" in p for p in problems), problems
    assert any("Job_Center.toml: file name" in p for p in problems), problems


def test_english_topics_must_match_german_count(tmp_path: Path) -> None:
    write(
        tmp_path,
        "beispiel",
        GOOD.format(slug="beispiel").replace(
            'topics = ["First topic", "Second topic"]', 'topics = ["First topic"]'
        ),
    )
    (problem,) = problems_of(tmp_path)
    assert "beispiel.toml: en.topics: must have the same number of entries" in problem


def test_field_limits(tmp_path: Path) -> None:
    thirteen = ", ".join(f'"T{i}"' for i in range(13))
    text = (
        'slug = "grenzen"\n'
        f'name = "{"N" * 121}"\n'
        'kind = "other"\n'
        'description = "d"\n'
        f"topics = [{thirteen}]\n"
        'questions = ["gut", "  ", 7]\n'
        "capacity = 2.5\n"
    )
    write(tmp_path, "grenzen", text)
    problems = problems_of(tmp_path)
    expected = {
        "name: must be at most 120 characters",
        "topics: must have at most 12 entries",
        "questions[1]: must not be empty",
        "questions[2]: must be a string",
        "capacity: must be a whole number",
    }
    found = {p.split("grenzen.toml: ", 1)[1] for p in problems}
    assert expected <= found, problems


def test_missing_required_fields(tmp_path: Path) -> None:
    write(tmp_path, "leer", 'slug = "leer"\n')
    found = {p.split("leer.toml: ", 1)[1] for p in problems_of(tmp_path)}
    assert found == {
        "name: is required",
        "kind: is required",
        "description: is required",
        "topics: is required",
    }


def test_all_problems_of_all_files_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "gut")
    write(tmp_path, "a", GOOD.format(slug="a").replace("capacity = 8", "capacity = -1"))
    write(tmp_path, "b", GOOD.format(slug="b").replace('"organisation"', '"verein"'))
    (tmp_path / "c.toml").write_text('slug = "c\n', encoding="utf-8")
    problems = problems_of(tmp_path)
    assert len(problems) == 3, problems
    assert "a.toml: capacity" in problems[0]
    assert "b.toml: kind" in problems[1]
    assert "c.toml: not valid TOML" in problems[2]


def test_only_top_level_toml_files_are_read(tmp_path: Path) -> None:
    write(tmp_path, "gut")
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "kaputt.toml").write_text("kaputt", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a template", encoding="utf-8")
    assert list(load_catalogue(tmp_path)) == ["gut"]


def test_missing_directory(tmp_path: Path) -> None:
    problems = problems_of(tmp_path / "nope")
    assert problems and "not found" in problems[0]


# ------------------------------------------------------------------ example event files


@pytest.mark.parametrize("name", ["demo", "small"])
def test_example_events_refer_to_known_templates(name: str) -> None:
    data = tomllib.loads((EXAMPLES / f"{name}.toml").read_text(encoding="utf-8"))
    catalogue = load_catalogue()
    slugs = {station["template"] for station in data["stations"]}
    assert slugs <= set(catalogue)
    for person in data.get("participants", []):
        assert 1 <= len(person["interests"]) <= 3
        assert set(person["interests"]) <= slugs
        assert person["email"].rsplit("@", 1)[1] in {"example.org", "example.com", "example.net"}
        assert person["kind"] in KINDS


def test_demo_event_shape() -> None:
    data = tomllib.loads((EXAMPLES / "demo.toml").read_text(encoding="utf-8"))
    stations, people = data["stations"], data["participants"]
    assert len(stations) == 12
    assert sum(s["capacity"] for s in stations) >= len(people) >= 90
    assert [s["location"] for s in stations] == [f"Tisch {i}" for i in range(1, 13)]
    assert len({p["email"] for p in people}) == len(people)
    (parcours,) = [a for a in data["agenda"] if a.get("kind") == "parcours"]
    assert parcours["rounds"] <= len(stations)


def test_small_event_shape() -> None:
    data = tomllib.loads((EXAMPLES / "small.toml").read_text(encoding="utf-8"))
    assert len(data["stations"]) == 3
    assert len(data["participants"]) == 6
    (parcours,) = [a for a in data["agenda"] if a.get("kind") == "parcours"]
    assert (parcours["rounds"], parcours["round_minutes"]) == (2, 1)
