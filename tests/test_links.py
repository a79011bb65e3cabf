"""Links that last: every recorded address of the student site (links/addresses.txt) still leads
somewhere, directly or through a redirect the build carried out (links/redirects.yml).

The positive controls break a copy of the built site on purpose (an anchor renamed, a page
moved, an anchor moved to another page) and check that the check fails, then that a redirect,
carried out by the same code the build runs, mends it. A tiny book built in-process checks that
the build does carry the redirects out (test_extension.py), and Chromium that the forwarding
pages and scripts forward.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from course.content import banks, chapters, paths, seeds
from course.publishing import addresses, edition

BIN = Path(sys.executable).parent
BIB_LINK = re.compile(r'href="[^"]*bibliography\.html#([^"]+)"')


@pytest.fixture()
def site(student_site, tmp_path) -> Path:
    """A copy of the built student site, to break."""
    return Path(shutil.copytree(student_site, tmp_path / "site"))


def rename_id(page: Path, old: str, new: str) -> None:
    text = page.read_text(encoding="utf-8")
    assert f'id="{old}"' in text
    page.write_text(text.replace(f'id="{old}"', f'id="{new}"'), encoding="utf-8")


# ---------------------------------------------------------------- the real site and its record


@pytest.mark.slow
def test_every_recorded_address_leads_somewhere_and_every_address_is_recorded(student_site):
    lost, new = addresses.check(student_site, addresses.read_recorded(), addresses.load_redirects())
    assert not lost, f"lost without a redirect (add them to links/redirects.yml): {lost[:10]}"
    assert not new, f"not recorded yet (run make addresses): {new[:10]}"


def test_the_record_holds_every_chapter_paragraph_quiz_item_and_cited_work():
    recorded = addresses.read_recorded()
    published = chapters.published()  # a draft is not on the student site, nor in its record
    for slug, seed in seeds.chapters():
        if slug not in published:
            continue
        for page in (slug, f"{slug}_notebook", f"{slug}_exercise"):
            assert f"chapters/{page}.html" in recorded
        for n in range(1, seeds.paragraph_count(seed) + 1):
            assert f"chapters/{slug}.html#s{seed}-p{n}" in recorded, (slug, n)
    anchors = {a.partition("#")[2] for a in recorded}
    for bank in banks.all_banks().values():
        for item in bank["items"]:
            assert f"quiz-{item['id']}" in anchors, item["id"]
    sources = [*paths.ROOT.glob("*.md"), *paths.CHAPTERS.glob("*.md"), *(paths.ROOT / "teachers").glob("*.md")]
    cited = set(re.findall(r"\{cite:[tp]\}`([\w, -]+)`", "".join(p.read_text(encoding="utf-8") for p in sources)))
    keys = {k.strip() for group in cited for k in group.split(",")}
    assert keys and {f"bibliography.html#cite-{k}" for k in keys} <= recorded
    assert any(a.startswith("glossary.html#term-") for a in recorded)


@pytest.mark.slow
def test_bibliography_entries_are_addressed_by_key_not_by_a_shifting_number(student_site):
    assert BIB_LINK.findall('<a href="../bibliography.html#id32">')  # the pattern sees the old form
    bibliography = (student_site / "bibliography.html").read_text(encoding="utf-8")
    targets = set()
    for page in student_site.rglob("*.html"):
        targets.update(BIB_LINK.findall(page.read_text(encoding="utf-8")))
    targets |= set(re.findall(r'href="#(cite-[^"]+)"', bibliography))
    assert len(targets) >= 10
    assert all(t.startswith("cite-") for t in targets), sorted(targets)
    assert all(f'id="{t}"' in bibliography for t in targets)
    # No numbered id is left on the entries themselves.
    entries = re.findall(r'<div class="citation" id="([^"]+)"', bibliography)
    assert entries and all(e.startswith("cite-") for e in entries), entries[:5]


@pytest.mark.slow
def test_footer_names_the_edition_on_every_page(student_site):
    version = edition.project_version()
    pages = addresses.pages(student_site)
    assert len(pages) > 25
    for page in pages:
        html = (student_site / page).read_text(encoding="utf-8")
        footer = html[html.index('<footer class="bd-footer-content">') :]
        assert f"Edition {version}</a></p>" in footer, page
        assert '<meta name="course-edition" content="student">' in html, page


@pytest.mark.slow
def test_the_repository_address_is_written_once_and_fills_the_footer(student_site):
    config = yaml.safe_load((paths.ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"]
    assert (paths.ROOT / "_config.yml").read_text(encoding="utf-8").count(url) == 1
    html = (student_site / "index.html").read_text(encoding="utf-8")
    assert f'href="{url}/tree/{config["repository"]["branch"]}/seeds"' in html
    assert "{repository_url}" not in html


# ---------------------------------------------------------------- positive controls on a copy


@pytest.mark.slow
def test_a_renamed_anchor_fails_the_check_until_it_has_a_redirect(site):
    recorded, address = addresses.read_recorded(), "chapters/01_soviets.html#s000-p12"
    rename_id(site / "chapters" / "01_soviets.html", "s000-p12", "s000-p12-new")
    lost, _ = addresses.check(site, recorded, {})
    assert lost == [address]
    redirects = {address: "chapters/01_soviets.html#s000-p12-new"}
    assert addresses.check(site, recorded, redirects)[0] == [address]  # written but not carried out
    assert addresses.emit(site, redirects) == []
    assert addresses.check(site, recorded, redirects)[0] == []
    html = (site / "chapters" / "01_soviets.html").read_text(encoding="utf-8")
    assert '<span id="s000-p12" class="course-moved-anchor"></span><p class="seed-para" id="s000-p12-new"' in html
    assert addresses.emit(site, redirects) == []  # a second build does not add a second alias
    assert (site / "chapters" / "01_soviets.html").read_text(encoding="utf-8") == html


@pytest.mark.slow
def test_a_moved_page_fails_the_check_until_it_has_a_forwarding_page(site):
    recorded = addresses.read_recorded()
    (site / "chapters" / "03_drive_out.html").rename(site / "chapters" / "03_out.html")
    lost, new = addresses.check(site, recorded, {})
    assert "chapters/03_drive_out.html" in lost and "chapters/03_drive_out.html#s002-p1" in lost
    assert "chapters/03_out.html" in new
    redirects = {"chapters/03_drive_out.html": "chapters/03_out.html"}
    assert addresses.emit(site, redirects) == []
    assert addresses.check(site, recorded, redirects)[0] == []
    stub = (site / "chapters" / "03_drive_out.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=03_out.html">' in stub
    assert '"03_out.html"+location.hash' in stub


@pytest.mark.slow
def test_an_anchor_moved_to_another_page_is_forwarded(site):
    recorded, address = addresses.read_recorded(), "chapters/02_party.html#s001-p3"
    rename_id(site / "chapters" / "02_party.html", "s001-p3", "gone")
    assert addresses.check(site, recorded, {})[0] == [address]
    redirects = {address: "chapters/01_soviets.html#s000-p3"}
    assert addresses.emit(site, redirects) == []
    assert addresses.check(site, recorded, redirects)[0] == []
    html = (site / "chapters" / "02_party.html").read_text(encoding="utf-8")
    assert '{"s001-p3": "01_soviets.html#s000-p3"}' in html


@pytest.mark.slow
def test_redirects_that_cannot_work_are_reported(site):
    problems = addresses.emit(
        site,
        {
            "old.html": "nowhere.html",
            "index.html": "syllabus.html",
            "chapters/01_soviets.html#s000-p1": "chapters/01_soviets.html#s000-p2",
            "missing.html#x": "index.html",
        },
    )
    text = " ".join(problems)
    assert "nowhere.html is not in the built site" in text
    assert "index.html is still a page of the site" in text
    assert "the anchor s000-p1 is still on chapters/01_soviets.html" in text
    assert "there is no page missing.html" in text
    assert (site / "index.html").read_text(encoding="utf-8").count("course-redirect") == 0


@pytest.mark.parametrize(
    "text, message",
    [
        ("a.html: [b.html]", "is not of the form"),
        ("- a.html\n- b.html\n", "must map each old address"),
        ("a.html: a.html\n", "redirects to itself"),
        ("a.html: b.html\n  c: [", "not valid YAML"),
        ("a.html: ../b.html\n", "is not of the form"),
    ],
)
def test_a_wrong_redirects_file_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "redirects.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(addresses.RedirectError, match=re.escape(message)):
        addresses.load_redirects(path)


def test_the_real_redirects_file_is_valid():
    assert addresses.load_redirects() == {} or all(addresses.ADDRESS.match(k) for k in addresses.load_redirects())


# ---------------------------------------------------------------- the command


def addresses_cmd(root: Path, site: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "course"), "addresses", "--site", str(site), *extra],
        capture_output=True,
        text=True,
        env={"COURSE_ROOT": str(root), "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.slow
def test_addresses_command_checks_and_refreshes_the_record(site, tmp_path):
    root = tmp_path / "root"
    (root / "links").mkdir(parents=True)
    recorded = addresses.read_recorded()
    addresses.write_recorded({a for a in recorded if "02_party" not in a}, root / "links" / "addresses.txt")
    proc = addresses_cmd(root, site)
    assert proc.returncode == 1 and "not recorded yet" in proc.stderr and "make addresses" in proc.stderr
    proc = addresses_cmd(root, site, "--update")
    assert proc.returncode == 0, proc.stderr
    assert addresses.read_recorded(root / "links" / "addresses.txt") == recorded
    assert addresses_cmd(root, site).returncode == 0

    rename_id(site / "chapters" / "02_party.html", "s001-p3", "gone")
    proc = addresses_cmd(root, site, "--update")
    assert proc.returncode == 1 and "chapters/02_party.html#s001-p3" in proc.stderr
    assert "links/redirects.yml" in proc.stderr and "Traceback" not in proc.stderr
    assert addresses.read_recorded(root / "links" / "addresses.txt") == recorded  # nothing lost

    assert addresses_cmd(root, tmp_path / "nothing").returncode == 2
    (root / "links" / "redirects.yml").write_text("- not a mapping\n", encoding="utf-8")
    proc = addresses_cmd(root, site)
    assert proc.returncode == 2 and "must map" in proc.stderr and "Traceback" not in proc.stderr


# ---------------------------------------------------------------- in a browser


@pytest.mark.slow
def test_forwarding_works_in_a_browser(site, browser, serve):
    (site / "chapters" / "03_drive_out.html").rename(site / "chapters" / "03_out.html")
    rename_id(site / "chapters" / "02_party.html", "s001-p3", "gone")
    assert (
        addresses.emit(
            site,
            {
                "chapters/03_drive_out.html": "chapters/03_out.html",
                "chapters/02_party.html#s001-p3": "chapters/01_soviets.html#s000-p3",
            },
        )
        == []
    )
    base = serve(site)
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    try:
        for start, end in [
            ("chapters/03_drive_out.html#s002-p7", "chapters/03_out.html#s002-p7"),
            ("chapters/02_party.html#s001-p3", "chapters/01_soviets.html#s000-p3"),
        ]:
            page.goto(f"{base}/{start}")
            page.wait_for_url(f"{base}/{end}", timeout=10000)
            assert page.locator(f"#{end.partition('#')[2]}").count() == 1
        page.goto(f"{base}/chapters/02_party.html#s001-p4")  # an anchor that did not move stays
        page.wait_for_timeout(300)
        assert page.url == f"{base}/chapters/02_party.html#s001-p4"
    finally:
        context.close()
