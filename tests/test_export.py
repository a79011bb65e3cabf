"""``course export-quiz``: every export is parsed back and must say what the bank says.

GIFT is read back by a small reader written here from Moodle's description of the format (not
by the exporter's own code); Moodle XML by xml.etree; the Canvas QTI zip is unpacked and its
XML read with xml.etree, its HTML with BeautifulSoup. A bank of hostile texts (every character
each format treats specially) checks the escaping, and controls show that these checks fail
when the escaping is switched off.
"""

from __future__ import annotations

import html
import io
import json
import re
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from course import cli
from course.content import banks
from course.publishing import lms

BANKS = {c: b for c, b in banks.all_banks().items() if not b.get("draft")}  # what is exported
QTI_NS = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}


def norm(text: str) -> str:
    return " ".join(text.split())


def expected(bank: dict) -> list[dict]:
    """What every export must give back: ids, stems, options, keys and feedback."""
    return [
        {
            "id": it["id"],
            "question": norm(it["question"]),
            "options": [
                {"text": norm(o["text"]), "correct": o["correct"], "feedback": norm(o["feedback"])}
                for o in it["options"]
            ],
        }
        for it in bank["items"]
    ]


# Texts that GIFT, Markdown (text2qti), HTML or XML would otherwise take as syntax.
NASTY = [
    "GIFT: ~tilde =equals #hash {braces} colon: and a back\\slash \\n \\: \\\\ end\\",
    "[html] a leading format marker, and <b>tags</b> & &amp; entities < > \"quotes\" 'apos'",
    "%50% a leading weight; Markdown *stars* _under_ __bold__ `code` [link](http://x.y) ![i](j)",
    "# heading-like + plus - minus 1. list > quote | pipe -- dashes ... dots $x$ \\num{5} !bang",
    "Unicode ¶12–14 “curly” ’s ÷ − … and a\nline break   and   spaces",
]


def nasty_bank() -> dict:
    items = []
    for n, text in enumerate(NASTY):
        options = [
            {
                "text": f"{NASTY[(n + k) % len(NASTY)]} (option {k})",
                "correct": k == n % 4,
                "feedback": f"Feedback {k}: {NASTY[(n + k + 1) % len(NASTY)]} (¶1)",
            }
            for k in range(4)
        ]
        items.append(
            {
                "id": f"s999-q{n:02d}",
                "seed": "999",
                "bloom": "Apply",
                "skill": "sourcing",
                "refs": ["999:1"],
                "question": f"{text} ?",
                "options": options,
            }
        )
    return {"chapter": "99_nasty", "items": items}


CASES = [pytest.param(b, id=c) for c, b in BANKS.items()] + [pytest.param(nasty_bank(), id="nasty")]


# -- GIFT: an independent reader ------------------------------------------------------------


def _gift_chars(text: str) -> list[tuple[str, bool]]:
    """(character, is-syntax) pairs: a backslash makes ~ = # { } : \\ literal, and \\n a newline."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in "~=#{}:\\n":
            out.append(("\n" if text[i + 1] == "n" else text[i + 1], False))
            i += 2
        else:
            out.append((c, c in "~=#{}:"))
            i += 1
    return out


def _split(chars, marks: str):
    """Split at unescaped syntax characters in MARKS; yields (mark before, chars)."""
    part, mark = [], None
    for c, syntax in chars:
        if syntax and c in marks:
            yield mark, part
            part, mark = [], c
        else:
            part.append((c, syntax))
    yield mark, part


def _text(chars, fmt: str) -> str:
    assert not any(syntax for _, syntax in chars), f"unescaped GIFT syntax in {chars!r}"
    raw = "".join(c for c, _ in chars).strip()
    return norm(html.unescape(raw) if fmt == "html" else raw)


def parse_gift(text: str) -> list[dict]:
    questions = []
    for block in re.split(r"\n[ \t]*\n", text):
        body = "\n".join(line for line in block.split("\n") if not line.lstrip().startswith("//"))
        body = body.strip()
        if not body or body.startswith("$CATEGORY:"):
            continue
        chars = _gift_chars(body)
        assert chars[:2] == [(":", True), (":", True)], f"no ::title:: in {body[:80]!r}"
        end = next(i for i in range(2, len(chars)) if chars[i] == (":", True) == chars[i + 1])
        name, rest = "".join(c for c, _ in chars[2:end]), chars[end + 2 :]
        open_ = rest.index(("{", True))
        close = rest.index(("}", True))
        assert not "".join(c for c, _ in rest[close + 1 :]).strip(), "text after the answers"
        stem = rest[:open_]
        fmt = "moodle"
        if "".join(c for c, _ in stem).startswith("[html]"):
            fmt, stem = "html", stem[6:]
        options = []
        for mark, part in list(_split(rest[open_ + 1 : close], "=~"))[1:]:
            pieces = list(_split(part, "#"))
            assert len(pieces) in (1, 2), f"more than one # in an answer of {name}"
            options.append(
                {
                    "text": _text(pieces[0][1], fmt),
                    "correct": mark == "=",
                    "feedback": _text(pieces[1][1], fmt) if len(pieces) == 2 else "",
                }
            )
        questions.append({"id": name, "question": _text(stem, fmt), "options": options})
    return questions


def test_gift_reader_reads_a_hand_written_question():
    # The reader itself, on GIFT written by hand as Moodle's documentation describes it.
    text = (
        "// a comment\n::q1::[html]What is 2\\=1+1 \\{really\\}? {\n\t~three #No\\: 2\\#\n\t=two #Yes &amp; well\n}\n"
    )
    assert parse_gift(text) == [
        {
            "id": "q1",
            "question": "What is 2=1+1 {really}?",
            "options": [
                {"text": "three", "correct": False, "feedback": "No: 2#"},
                {"text": "two", "correct": True, "feedback": "Yes & well"},
            ],
        }
    ]


@pytest.mark.parametrize("bank", CASES)
def test_gift_round_trips_every_item_option_key_and_feedback(bank):
    text = lms.gift(bank)
    assert parse_gift(text) == expected(bank)
    assert text.count("::[html]") == len(bank["items"])


def test_gift_round_trip_fails_without_escaping(monkeypatch):
    # Control: with GIFT's specials left bare the reader must notice.
    monkeypatch.setattr(lms, "_GIFT_SPECIAL", re.compile(r"((?!))"))
    with pytest.raises((AssertionError, ValueError, StopIteration)):
        assert parse_gift(lms.gift(nasty_bank())) == expected(nasty_bank())


def test_gift_carries_moodle_id_tags_and_category():
    bank = BANKS["01_soviets"]
    text = lms.gift(bank)
    first = bank["items"][0]
    assert f"// [id:{first['id']}] [tag:{first['bloom']}] [tag:{first['skill']}]" in text
    assert f"$CATEGORY: $course$/top/{lms.chapter_title(bank)}\n" in text
    assert lms.chapter_title(bank).startswith("1. The Soviets")


# -- Moodle XML ---------------------------------------------------------------------------


def read_moodle(text: str) -> list[dict]:
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "quiz"
    out = []
    for q in root.findall("question"):
        if q.get("type") == "category":
            continue
        assert q.get("type") == "multichoice"
        assert q.findtext("single") == "true"
        assert q.find("questiontext").get("format") == "html"
        item_id = q.findtext("name/text")
        assert q.findtext("idnumber") == item_id
        options = []
        for a in q.findall("answer"):
            assert a.get("format") == "html" and a.find("feedback").get("format") == "html"
            assert a.get("fraction") in ("100", "0")
            for field in (a.findtext("text"), a.findtext("feedback/text")):
                assert "<" not in field, f"{item_id}: unescaped HTML in {field!r}"
            options.append(
                {
                    "text": html.unescape(a.findtext("text")),
                    "correct": a.get("fraction") == "100",
                    "feedback": html.unescape(a.findtext("feedback/text")),
                }
            )
        stem = q.findtext("questiontext/text")
        assert "<" not in stem
        out.append({"id": item_id, "question": html.unescape(stem), "options": options})
    return out


@pytest.mark.parametrize("bank", CASES)
def test_moodle_xml_matches_the_bank(bank):
    text = lms.moodle_xml(bank)
    assert read_moodle(text) == expected(bank)
    root = ET.fromstring(text.encode("utf-8"))
    assert root.findtext("question[@type='category']/category/text") == lms.category(bank)
    tags = [[t.text for t in q.findall("tags/tag/text")] for q in root.findall("question[@type='multichoice']")]
    # Bloom level and skill; an item across texts also its thread, so a teacher can pick a thread's items.
    threads = [[f"thread-{it['thread']}"] if "thread" in it else [] for it in bank["items"]]
    assert tags == [[it["bloom"], it["skill"], *t] for it, t in zip(bank["items"], threads)]


def test_moodle_check_sees_raw_html():
    # Control: text put in without HTML escaping would be taken as markup by Moodle.
    text = lms.moodle_xml(nasty_bank()).replace("&amp;lt;b&amp;gt;", "&lt;b&gt;")
    with pytest.raises(AssertionError, match="unescaped HTML"):
        read_moodle(text)


# -- QTI for Canvas ------------------------------------------------------------------------


def _html_text(fragment: str, where: str) -> str:
    soup = BeautifulSoup(fragment, "html.parser")
    tags = {t.name for t in soup.find_all(True)}
    assert tags <= {"p"}, f"{where}: Markdown made markup {tags - {'p'}} of plain text"
    return norm(soup.get_text())


def read_qti(data: bytes) -> list[dict]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = {name: ET.fromstring(zf.read(name)) for name in zf.namelist() if name.endswith(".xml")}
    manifest = xml.pop("imsmanifest.xml")
    assert manifest.tag.endswith("manifest")
    (assessment,) = [root for name, root in xml.items() if not name.endswith("assessment_meta.xml")]
    out = []
    for item in assessment.iterfind(".//q:item", QTI_NS):
        item_id = item.get("title")
        kind = item.find(".//q:qtimetadatafield[q:fieldlabel='question_type']/q:fieldentry", QTI_NS)
        assert kind.text == "multiple_choice_question"
        stem = item.find("q:presentation/q:material/q:mattext", QTI_NS).text
        labels = item.findall(".//q:response_label", QTI_NS)
        (key,) = [
            c.find("q:conditionvar/q:varequal", QTI_NS).text
            for c in item.iterfind(".//q:respcondition", QTI_NS)
            if c.findtext("q:setvar", namespaces=QTI_NS) == "100"
        ]
        feedback = {
            fb.get("ident"): fb.find(".//q:mattext", QTI_NS).text for fb in item.iterfind("q:itemfeedback", QTI_NS)
        }
        options = [
            {
                "text": _html_text(lab.find(".//q:mattext", QTI_NS).text, item_id),
                "correct": lab.get("ident") == key,
                "feedback": _html_text(feedback[lab.get("ident") + "_fb"], item_id),
            }
            for lab in labels
        ]
        out.append({"id": item_id, "question": _html_text(stem, item_id), "options": options})
    return out


@pytest.mark.parametrize("bank", CASES)
def test_qti_zip_matches_the_bank(bank):
    assert read_qti(lms.qti_zip(bank)) == expected(bank)


def test_qti_check_sees_markdown_damage(monkeypatch):
    # Control: without the Markdown escapes the exports go wrong, and the checks above see it.
    monkeypatch.setattr(lms, "_MD_SPECIAL", re.compile(r"((?!))"))
    # "![i](j)" even makes text2qti look for an image file "j" on disk, and stop.
    with pytest.raises(lms.ExportError, match='File "j" does not exist'):
        lms.qti_zip(nasty_bank())
    # Without it, *stars*, `code` and [links] become markup.
    bank = json.loads(json.dumps(nasty_bank()).replace("![i](j)", "image"))
    with pytest.raises(AssertionError, match="Markdown made markup"):
        read_qti(lms.qti_zip(bank))


def test_qti_needs_no_network_and_no_programs(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise AssertionError("text2qti tried to reach the network or run a program")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert read_qti(lms.qti_zip(BANKS["01_soviets"])) == expected(BANKS["01_soviets"])
    assert list(tmp_path.iterdir()) == [], "text2qti left files behind (config or cache)"


def test_qti_quiz_is_titled_after_the_chapter():
    with zipfile.ZipFile(io.BytesIO(lms.qti_zip(BANKS["02_party"]))) as zf:
        meta = next(n for n in zf.namelist() if n.endswith("assessment_meta.xml"))
        root = ET.fromstring(zf.read(meta))
    title = root.find("{http://canvas.instructure.com/xsd/cccv1p0}title").text
    assert title == lms.chapter_title(BANKS["02_party"]) and title.startswith("2. The Party")


# -- The command ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["gift", "moodle", "qti"])
def test_command_writes_one_file_per_chapter(fmt, tmp_path, capsys):
    out = tmp_path / "lms"
    assert cli.main(["export-quiz", "--format", fmt, str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{c}{lms.SUFFIX[fmt]}" for c in BANKS)
    assert capsys.readouterr().out.split() == [str(out / n) for n in names]
    reader = {
        "gift": lambda p: parse_gift(p.read_text(encoding="utf-8")),
        "moodle": lambda p: read_moodle(p.read_text(encoding="utf-8")),
        "qti": lambda p: read_qti(p.read_bytes()),
    }[fmt]
    for chapter, bank in BANKS.items():
        assert reader(out / f"{chapter}{lms.SUFFIX[fmt]}") == expected(bank)


@pytest.mark.parametrize("chapter", ["2", "02", "02_party", "party"])
def test_command_exports_one_chapter(chapter, tmp_path):
    assert cli.main(["export-quiz", "--format", "gift", "--chapter", chapter, str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["02_party.gift"]


def test_command_replaces_an_old_export_whole(tmp_path):
    old = tmp_path / "01_soviets.moodle.xml"
    old.write_text("stale")
    assert cli.main(["export-quiz", "--format", "moodle", "--chapter", "1", str(tmp_path)]) == 0
    assert read_moodle(old.read_text(encoding="utf-8")) == expected(BANKS["01_soviets"])
    assert [p.name for p in tmp_path.iterdir()] == ["01_soviets.moodle.xml"]


def test_unknown_chapter_is_refused_and_nothing_written(tmp_path, capsys):
    out = tmp_path / "lms"
    assert cli.main(["export-quiz", "--format", "qti", "--chapter", "9", str(out)]) == 2
    err = capsys.readouterr().err
    assert "There is no chapter '9'" in err and "1 (01_soviets)" in err and "5 (05_twiss)" in err
    assert "Traceback" not in err and not out.exists()


def test_unknown_format_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["export-quiz", "--format", "blackboard", str(tmp_path)])
    assert exc.value.code == 2
    assert "invalid choice: 'blackboard'" in capsys.readouterr().err
    with pytest.raises(lms.ExportError, match="Unknown format 'docx'"):
        lms.export("docx", tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["file", "under-a-file"])
def test_unwritable_out_is_refused(where, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me")
    out = blocker if where == "file" else blocker / "lms"
    assert cli.main(["export-quiz", "--format", "gift", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"Cannot write the export to {out}" in err and "Traceback" not in err
    assert blocker.read_text() == "keep me"


def test_invalid_bank_stops_the_export(monkeypatch, tmp_path, capsys):
    def broken():
        raise banks.BankError("invalid quiz bank:\n  quizzes/01_soviets.yml, item s000-q01: bad")

    monkeypatch.setattr(banks, "all_banks", broken)
    assert cli.main(["export-quiz", "--format", "moodle", str(tmp_path / "lms")]) == 2
    assert "fix the quiz banks first" in capsys.readouterr().err
    assert not (tmp_path / "lms").exists()


def test_course_command_end_to_end(tmp_path):
    course = Path(sys.executable).parent / "course"
    proc = subprocess.run(
        [str(course), "export-quiz", "--format", "gift", "--chapter", "05_twiss", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert parse_gift((tmp_path / "05_twiss.gift").read_text(encoding="utf-8")) == expected(BANKS["05_twiss"])
    proc = subprocess.run(
        [str(course), "export-quiz", "--format", "gift", "--chapter", "nope", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "There is no chapter 'nope'" in proc.stderr
    assert "Traceback" not in proc.stderr
