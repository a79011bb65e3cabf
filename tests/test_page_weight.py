"""The page-weight benchmark (benchmarks/page_weight.py) measures what it says: shared assets
counted once, each page's own files counted for that page, pages over 300 kB flagged."""

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("page_weight", ROOT / "benchmarks" / "page_weight.py")
page_weight = importlib.util.module_from_spec(spec)
spec.loader.exec_module(page_weight)


def html(title: str, body: str = "") -> str:
    return (
        f'<!doctype html><html lang="en"><head><title>{title}</title>'
        f'<link rel="stylesheet" href="_static/theme.css"><script src="_static/theme.js"></script>'
        f"</head><body><main><h1>{title}</h1>{body}</main></body></html>"
    )


@pytest.fixture()
def tiny_site(tmp_path):
    site = tmp_path / "site"
    (site / "_static").mkdir(parents=True)
    (site / "_images").mkdir()
    (site / "_static" / "theme.css").write_text("body { color: #222 }\n" * 100)
    (site / "_static" / "theme.js").write_text("// shared\n" * 100)
    (site / "_images" / "big.png").write_bytes(b"\0" * 310_000)
    (site / "_images" / "small.png").write_bytes(b"\0" * 5_000)
    (site / "index.html").write_text(html("Home", '<img src="_images/small.png" alt="small">'))
    (site / "heavy.html").write_text(html("Heavy", '<img src="_images/big.png" alt="big">'))
    (site / "plain.html").write_text(html("Plain", "<p>Text only.</p>"))
    return site


@pytest.mark.slow
def test_shared_assets_once_own_files_per_page(browser, tiny_site):
    loads, outside = page_weight.record_loads(tiny_site, page_weight.site_pages(tiny_site), browser)
    shared, own = page_weight.weigh(tiny_site, loads)
    assert outside == []
    assert set(shared) == {"_static/theme.css", "_static/theme.js"}
    assert set(own["heavy.html"]) == {"heavy.html", "_images/big.png"}
    assert set(own["index.html"]) == {"index.html", "_images/small.png"}
    assert set(own["plain.html"]) == {"plain.html"}
    assert own["heavy.html"]["_images/big.png"] == 310_000


@pytest.mark.slow
def test_report_flags_only_the_page_over_300_kb(browser, tiny_site, capsys):
    assert page_weight.main(["--site", str(tiny_site)], browser) == 0
    out = capsys.readouterr().out
    flagged = [line.split()[0] for line in out.splitlines() if "OVER 300 kB" in line]
    assert flagged == ["heavy.html"]
    assert "over 300 kB: heavy.html" in out


def test_a_missing_site_gets_a_clear_message(tmp_path, capsys):
    assert page_weight.main(["--site", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "make book" in err and "Traceback" not in err


KEPT = ["index.html", "glossary.html", "chapters/01_soviets_notebook.html"]


@pytest.mark.slow
def test_runs_on_the_built_site_and_flags_a_heavy_page_added_to_it(browser, student_site, tmp_path, capsys):
    """The built site, cut to three real pages (to stay quick) plus a synthetic heavy page."""
    site = tmp_path / "html"
    shutil.copytree(student_site, site)
    for page in page_weight.site_pages(site):
        if page not in KEPT:
            (site / page).unlink()
    page = (site / "glossary.html").read_text(encoding="utf-8")
    (site / "_images" / "synthetic.png").write_bytes(b"\0" * 400_000)
    (site / "synthetic-heavy.html").write_text(
        page.replace("</main>", '<img src="_images/synthetic.png" alt="synthetic"></main>', 1), encoding="utf-8"
    )
    assert page_weight.main(["--site", str(site)], browser) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line.split()}
    assert set(KEPT + ["synthetic-heavy.html"]) <= set(rows)
    assert "OVER 300 kB" in rows["synthetic-heavy.html"]
    assert "OVER 300 kB" not in rows["glossary.html"]
    # The notebook page's figures are its own files; the theme's stylesheet is shared, counted once.
    assert "_images/" in out.split("Largest page-specific files:")[1]
    assert "_static/styles/pydata-sphinx-theme.css" in out.split("Shared assets")[1]
