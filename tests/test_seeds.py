"""The seeds are kept byte-for-byte, catalogued, and split into the ¶ numbers the course cites."""

import csv
import hashlib
from pathlib import Path

import pytest
import yaml

from course.content import seeds

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "seeds"
CATALOGUE = yaml.safe_load((ROOT / "seeds" / "catalogue.yml").read_text(encoding="utf-8"))
FIELDS = {
    "id",
    "file",
    "received_as",
    "title",
    "author",
    "date",
    "kind",
    "original_publication",
    "transcription",
    "rights",
    "sha256",
    "chapter",
}


def test_catalogue_lists_the_seeds_in_order_with_every_field():
    ids = [e["id"] for e in CATALOGUE]
    # The five texts the course was given come first; `course new-chapter` adds the next ids.
    assert ids[:5] == ["000", "001", "002", "003", "004"]
    assert ids == [f"{n:03d}" for n in range(len(ids))]
    for entry in CATALOGUE:
        assert FIELDS <= set(entry), f"seed {entry['id']} lacks {FIELDS - set(entry)}"
        assert entry["kind"] in {"primary", "secondary"}


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda e: e["id"])
def test_seed_file_matches_its_catalogued_sha256(entry):
    data = (ROOT / "seeds" / entry["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda e: e["id"])
def test_seed_file_is_byte_identical_to_the_shared_original(entry):
    if not SHARED.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    original = (SHARED / entry["received_as"]).read_bytes()
    assert (ROOT / "seeds" / entry["file"]).read_bytes() == original


def test_only_catalogued_texts_in_seeds_folder():
    files = {p.name for p in (ROOT / "seeds").glob("*.txt")}
    assert files == {e["file"] for e in CATALOGUE}


def test_paragraph_rule():
    text = "Title line\n\nSubtitle\nsecond line\n\n\nA paragraph\nwrapped.\n\n  1. one\n  2. two\n\n1. A note."
    assert seeds.split_paragraphs(text) == [
        "Title line",
        "Subtitle\nsecond line",
        "A paragraph\nwrapped.",
        "1. one",
        "2. two",
        "1. A note.",
    ]


def test_seed_000_paragraphs():
    paras = seeds.paragraphs("000")
    assert len(paras) == 28
    assert paras[0] == "Leon Trotsky"
    assert paras[3].startswith("THE bureaucratic apparatus")
    assert paras[20].startswith("1. To adopt a firm policy")  # the six demands are ¶21–26
    assert paras[25].startswith("6. We must bring it about")
    assert paras[27] == "2. Pravda, December 13, 1925."


def test_paragraphs_lose_no_text():
    for sid in seeds.catalogue():
        joined = "".join("".join(p.split()) for p in seeds.paragraphs(sid))
        assert joined == "".join(seeds.text(sid).split()), f"seed {sid}"


def test_emendations_table_is_well_formed():
    with open(ROOT / "seeds" / "emendations.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and set(rows[0]) == {"seed", "paragraph", "original", "reading", "reason"}
    for em in seeds.emendations():  # raises if an original is not found exactly once
        assert em.original != em.reading and em.reason
