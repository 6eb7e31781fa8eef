"""End to end in a real browser: Playwright driving Debian's Chromium against a live server.

The browser is never downloaded: Chromium comes from Debian (``apt-get install chromium``),
installed here on first use when it is missing. The tests take screenshots of the main pages;
they go to ``docs/screenshots/`` (shown in the README) only when asked, so that a test run leaves
the working tree as it was: ``DOCKET_SCREENSHOTS=docs/screenshots pytest tests/web/test_browser.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.web.conftest import TOKEN

CHROMIUM = os.environ.get("DOCKET_CHROMIUM", "/usr/bin/chromium")
SHOTS = (
    ROOT / os.environ["DOCKET_SCREENSHOTS"]
    if os.environ.get("DOCKET_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / f"docket-screenshots-{os.getpid()}"
)


def _ensure_chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.fail(
            f"Chromium is needed at {CHROMIUM}: run `apt-get install chromium` (as root), "
            "or point DOCKET_CHROMIUM at a Chromium binary"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]
    if subprocess.run(cmd, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            pytest.fail("could not install Chromium with apt-get: " + done.stderr[-500:])
    return CHROMIUM


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    path = _ensure_chromium()
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=path, headless=True, args=["--no-sandbox", "--headless"]
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server: str):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    p = context.new_page()
    dialogs: list[str] = []
    p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    p.dialogs = dialogs
    yield p
    context.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_search_person_timeline_and_citation(page) -> None:
    page.goto("/")
    page.fill("input[name=q]", "Mukhammedkarim")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.hits li")
    assert page.locator("mark.hl").count() > 0
    widened = page.locator(
        "ol.hits li"
    ).count()  # the linked spellings (Mukhamedkarim, …) were searched too
    expect(page.locator("p.widened")).to_contain_text("Also searched the linked spellings")
    _shot(page, "search")
    page.click("p.widened a")
    page.wait_for_selector("ol.hits li")
    assert page.locator("ol.hits li").count() < widened  # only the spelling typed
    page.click("p.widened a")  # and back
    page.wait_for_selector("ol.hits li")
    assert page.locator("ol.hits li").count() == widened
    page.click("a.person-link")
    page.wait_for_selector("svg.timeline")
    assert page.locator("#status").inner_text().startswith("Status: imprisoned since 2024-08")
    sentence = page.locator("li.fact", has_text="imprisonment, 7 years").first
    citations = sentence.locator("a.citation")
    assert citations.count() >= 2
    assert "2024" in sentence.locator(".date").inner_text()
    _shot(page, "person")
    href = citations.first.get_attribute("href")
    citations.first.click()
    page.wait_for_url("**/documents/**")
    anchor = href.split("#", 1)[1]
    para = page.locator(f"section#{anchor}")
    assert "cited-para" in para.get_attribute("class")
    assert para.locator("mark.cited").count() == 1
    assert "Mukham" in para.locator("mark.cited").inner_text()
    assert page.evaluate("location.hash") == f"#{anchor}"
    _shot(page, "reader")


_GEOMETRY = """() => {
  const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  const svg = document.querySelector('svg.timeline');
  return {
    labels: [...svg.querySelectorAll('text.label')].map(box),
    dots: [...svg.querySelectorAll('circle.dot')].map(box),
    stems: [...svg.querySelectorAll('line.stem')].map(box),
  };
}"""


def _cross(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_timeline_labels_never_overlap_and_phones_get_a_vertical_timeline(
    browser, live_server: str
) -> None:
    """Measured in the browser, on the drawn text: no label overlaps another label, a dot or
    another point's stem, on every case file with a timeline; at 390 px the vertical list
    replaces the sideways axis and links to the same facts."""
    import json
    import urllib.request

    with urllib.request.urlopen(f"{live_server}/api/v1/cases?limit=200") as r:
        ids = [c["id"] for c in json.load(r)["cases"]]
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    p = context.new_page()
    checked = most = 0
    for pid in ids:
        p.goto(f"/persons/{pid}")
        if p.locator("svg.timeline").count() == 0:
            continue
        g = p.evaluate(_GEOMETRY)
        labels, dots, stems = g["labels"], g["dots"], g["stems"]
        for i, a in enumerate(labels):
            assert not any(_cross(a, b) for b in labels[i + 1 :]), (pid, i)
            assert not any(_cross(a, d) for d in dots), (pid, i)
            # a stem reaches up to its own label: only the others' stems count
            assert not any(_cross(a, st) for j, st in enumerate(stems) if j != i), (pid, i)
        checked += 1
        most = max(most, p.locator("svg.timeline text.label a").count())
    assert checked >= 10 and most >= 6, (checked, most)  # crowded timelines were among them
    context.close()
    phone = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    p = phone.new_page()
    p.goto(f"/persons/{ids[0]}")
    assert p.locator("ol.timeline-narrow").is_visible()
    assert not p.locator("svg.timeline").is_visible()
    links = p.locator("ol.timeline-narrow a")
    assert links.count() == p.locator("svg.timeline text.label a").count() > 0
    target = links.first.get_attribute("href")
    assert p.locator(f"li.fact{target}, {target}").count() >= 1
    phone.close()


def test_analytics_draws_its_plots(page) -> None:
    page.goto("/analytics?from=2024&to=2025&country=Kazakhstan")
    page.wait_for_load_state("networkidle")
    frames = page.locator("iframe.chart")
    assert frames.count() == 4
    for i in range(frames.count()):  # each plot drawn, with linked bars or points
        frames.nth(i).scroll_into_view_if_needed()  # the frames load lazily
        frame = frames.nth(i).content_frame
        frame.locator("svg").first.wait_for()
        assert frame.locator("a[target=_top]").count() > 0
    assert page.locator("text=Continuing").count() == 1
    _shot(page, "analytics")
    bars = page.locator("iframe.chart").nth(2).content_frame  # events by type
    bars.locator("a[target=_top]").first.click(force=True)  # the tooltip layer may cover it
    page.wait_for_url("**/cases?**")
    assert "event=" in page.url and "country=Kazakhstan" in page.url
    assert page.locator("main a[href^='/persons/']").count() > 0


def test_cases_list_filters_and_downloads(page) -> None:
    page.goto("/cases?status=imprisoned")
    rows = page.locator("table.cases tbody tr")
    assert rows.count() >= 3 and all(
        "imprisoned" in t for t in rows.locator("td:nth-child(3)").all_inner_texts()
    )
    _shot(page, "cases")
    with page.expect_download() as info:
        page.click("a.download")
    text = Path(info.value.path()).read_text("utf-8-sig")
    assert text.startswith("id,canonical") and text.count("\n") == rows.count() + 1


def test_curation_refused_without_token_and_recorded_with_it(page) -> None:
    page.goto("/persons/max-bokayev")
    assert page.locator("form.curate").count() == 0
    r = page.request.post(
        page.url + "/curate",
        form={"action": "split", "name_a": "Max Bokayev", "name_b": "Aset Mataev"},
    )
    assert r.status == 401
    page.goto("/login")
    page.fill("input[name=name]", "browser-curator")
    page.fill("input[name=token]", "wrong")
    page.click("form.login button")
    expect(page.locator(".error")).to_have_text("wrong token")
    page.fill("input[name=name]", "browser-curator")
    page.fill("input[name=token]", TOKEN)
    page.click("form.login button")
    page.wait_for_selector("text=curator: browser-curator")
    page.goto("/persons/max-bokayev")
    page.select_option("form.curate select[name=action]", "split")
    page.fill("form.curate input[name=name_b]", "Aset Mataev")
    page.fill("form.curate input[name=why]", "different people (browser test)")
    page.click("form.curate button")
    row = page.locator("table.audit tr", has_text="different people (browser test)")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("browser-curator")
    form = page.locator("form.review").first
    form.locator("select[name=action]").select_option("verify")
    form.locator("input[name=why]").fill("checked against the original")
    form.locator("button").click()
    expect(page.locator("li.fact .badge.verified").first).to_be_visible()
    # back at the statement just reviewed, not the top of the page
    expect(page).to_have_url(re.compile(r"#s-[0-9a-f]{12}$"))
    expect(page.locator("#" + page.url.rsplit("#", 1)[1])).to_be_in_viewport()
    expect(page.locator("table.reviews tr", has_text="checked against the original")).to_have_count(
        1
    )


def test_uploaded_html_with_script_shows_as_text(page, tmp_path: Path) -> None:
    """An upload shows its progress (bytes sent, then reading), its results replace the form in
    place, and the report's own markup and scripts show as text, never run."""
    hostile = tmp_path / "hostile-report.html"
    hostile.write_text(
        "<html><head><title>Kazakhstan: test report</title><script>alert('head')</script></head><body>"
        "<h1>Kazakhstan: test report</h1><h2>Detentions</h2>"
        "<p>On 3 March 2024 police detained activist Ivan Testov in Almaty. His post read "
        "&lt;script&gt;alert('xss')&lt;/script&gt; and the court fined him.</p>"
        "<p>Another paragraph <img src=x onerror=\"alert('img')\"> about freedom of expression in the country.</p>"
        "<script>alert('body')</script></body></html>",
        "utf-8",
    )
    page.goto("/login")
    page.fill("input[name=name]", "uploader")
    page.fill("input[name=token]", TOKEN)
    page.click("form.login button")
    page.goto("/ingest")
    page.set_input_files("input[type=file]", str(hostile))
    # everything the progress line says, in order (it may change faster than a poll would see)
    page.evaluate(
        """() => { window.said = []; const t = document.querySelector('#upload-status .upload-text');
        new MutationObserver(() => window.said.push(t.textContent)).observe(t, {childList: true}); }"""
    )
    page.click("form.upload button")
    page.wait_for_selector("tr.added")
    said = page.evaluate("window.said")
    assert any(s.startswith("Sent. Reading and analysing 1 file (") for s in said), said
    assert all(not s.startswith("Sending") or s.endswith("%") for s in said), said
    assert page.url.endswith("/ingest")  # the results replaced the form's page in place
    assert page.evaluate("document.activeElement.tagName") == "TABLE"  # focus on the results
    assert page.locator("#upload-status").is_hidden()  # a fresh form, ready for the next files
    page.click("tr.added a")
    page.wait_for_selector("article.reader")
    body = page.locator("article.reader").inner_text()
    assert "<script>alert('xss')</script>" in body  # shown as text
    assert (
        page.locator("article.reader script").count() == 0
        and page.locator("article.reader img").count() == 0
    )
    page.wait_for_timeout(300)
    assert page.dialogs == []


def test_api_docs_render_their_operations_from_this_server_only(page) -> None:
    """/api/docs was blank: it loaded Swagger UI from a CDN that the site's own CSP blocks. The
    assets now come from the package; nothing is asked of another host."""
    elsewhere, errors = [], []
    page.on(
        "request",
        lambda r: (
            elsewhere.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:")) else None
        ),
    )
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/api/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    assert page.locator(".opblock").count() >= 10
    assert page.locator("html").get_attribute("lang") == "en"
    assert elsewhere == [] and not [e for e in errors if "Content Security Policy" in e], (
        elsewhere,
        errors,
    )


@pytest.mark.parametrize("width", [390, 320])
def test_no_page_scrolls_sideways_on_a_phone(browser, live_server: str, width: int) -> None:
    """At 390 and 320 px (phones) every main page fits the screen: the header wraps inside its
    bar, wide tables and the timeline scroll inside their own box."""
    import json
    import urllib.request

    with urllib.request.urlopen(f"{live_server}/api/v1/documents") as r:
        doc = json.load(r)[0]["id"]
    with urllib.request.urlopen(f"{live_server}/api/v1/cases?limit=1") as r:
        person = json.load(r)["cases"][0]["id"]
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 844})
    p = context.new_page()
    widths = {}
    for path in (
        "/",
        "/search?q=police",
        f"/documents/{doc}",
        f"/persons/{person}",
        "/cases",
        "/analytics",
        "/documents",
        "/ingest",
        "/login",
        "/review",
    ):
        p.goto(path)
        widths[path] = p.evaluate("document.documentElement.scrollWidth")
        if width == 390 and path in ("/search?q=police", f"/persons/{person}", "/cases"):
            _shot(p, "phone-" + path.strip("/").split("/")[0].split("?")[0])
        header = p.evaluate(
            "(w => { const h = document.querySelector('header.top').getBoundingClientRect();"
            " return [...document.querySelectorAll('header.top a')].every(a => {"
            " const r = a.getBoundingClientRect(); return r.bottom <= h.bottom + 1 && r.right <= w + 1; }); })",
            width,
        )
        assert header, f"{path}: a header link falls outside the dark bar"
    context.close()
    print(f"scrollWidth at {width} px:", widths)
    assert all(w <= width for w in widths.values()), widths


AXE_VERSION = "4"  # axe-core's major version; npm installs the newest 4.x into the test cache


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's script, installed with npm by the test setup (never shipped in the package)."""
    folder = Path(os.environ.get("DOCKET_AXE_DIR", Path(tempfile.gettempdir()) / "docket-axe"))
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        if shutil.which("npm") is None:
            pytest.fail("axe-core is installed with npm, which is missing: apt-get install npm")
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [
                "npm",
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(folder),
                f"axe-core@{AXE_VERSION}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0 or not script.exists():
            pytest.fail("could not install axe-core with npm: " + done.stderr[-500:])
    return script.read_text("utf-8")


def test_axe_finds_no_serious_problem_on_any_page(
    browser, live_server: str, axe_source: str
) -> None:
    """WCAG 2.1 A/AA and axe's best practices on every main page, logged out and logged in, at
    1280 and 390 px: no critical, serious or moderate violation."""
    import json
    import urllib.request

    with urllib.request.urlopen(f"{live_server}/api/v1/documents") as r:
        doc = json.load(r)[0]["id"]
    with urllib.request.urlopen(f"{live_server}/api/v1/cases?limit=1") as r:
        person = json.load(r)["cases"][0]["id"]
    pages = (
        "/",
        "/search?q=police",
        f"/documents/{doc}",
        f"/persons/{person}",
        "/cases",
        "/analytics",
        "/documents",
        "/ingest",
        "/login",
        "/review",
    )
    found = {}
    counts: dict[tuple[str, bool, int], dict[str, int]] = {}
    version = "?"
    for logged_in in (False, True):
        for width in (1280, 390):
            # bypass_csp: axe is injected as an inline script, which the site's CSP (rightly) refuses
            context = browser.new_context(
                base_url=live_server, bypass_csp=True, viewport={"width": width, "height": 900}
            )
            p = context.new_page()
            if logged_in:
                p.goto("/login")
                p.fill("input[name=name]", "ana")
                p.fill("input[name=token]", TOKEN)
                p.click("form.login button")
                p.wait_for_url("**/")
            for path in pages:
                p.goto(path)
                p.add_script_tag(content=axe_source)
                result = p.evaluate(
                    "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
                    "'best-practice']})"
                )
                bad = [
                    f"{v['id']} ({v['impact']}): {v['nodes'][0]['html'][:120]}"
                    for v in result["violations"]
                    if v["impact"] in ("critical", "serious", "moderate")
                ]
                if bad:
                    found[(logged_in, width, path)] = bad
                counts[(path, logged_in, width)] = {
                    impact: sum(v["impact"] == impact for v in result["violations"])
                    for impact in ("critical", "serious", "moderate", "minor")
                }
                version = result["testEngine"]["version"]
            context.close()
    # the per-page report a closing note quotes (pytest -s): violations by impact
    print(f"axe-core {version}: critical/serious/moderate/minor violations per page")
    for (path, logged_in, width), n in sorted(counts.items()):
        state = "logged in " if logged_in else "logged out"
        print(f"  {path[:40]:40} {state} {width:>4} px: " + "/".join(str(v) for v in n.values()))
    assert not found, found


def test_copy_citation_puts_the_citation_on_the_clipboard(browser, live_server: str) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{live_server}/api/v1/cases?limit=1") as r:
        person = json.load(r)["cases"][0]["id"]
    context = browser.new_context(base_url=live_server)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    p = context.new_page()
    p.goto(f"/persons/{person}")
    button = p.locator("button.copy").first
    expected = button.get_attribute("data-copy")
    button.click()
    expect(button).to_have_text("copied")
    assert p.evaluate("navigator.clipboard.readText()") == expected and ":p" in expected
    context.close()
