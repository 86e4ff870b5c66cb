"""The HTML report in a real browser: headless Chromium driven by Selenium.

What only a browser can show: the page renders under its own Content-Security-Policy
(the inline script runs, so its hash is right), the filters hide and show rows, and
hostile reference text stays inert (no alert, no injected element, no `javascript:`
link, no network request). A screenshot is written to `tmp_path`, and also to
`$CITECHECK_SCREENSHOT_DIR` when set, so a person can look at what was tested.

Needs Debian's `chromium` and `chromium-driver` (CI installs them) and the `selenium`
package; skipped with the reason when either is missing. Selenium Manager is never
used: the driver path is given, so nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from citecheck.model import Audit, Finding, Span, SupportLink
from citecheck.report.html import render_html
from tests.browser import By, NoAlertPresentException, Select, driver, pytestmark  # noqa: F401
from tests.test_reports import XSS_URL, empty_audit, sample_audit

PWN = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


def hostile_audits() -> list[Audit]:
    """The sample audits plus markup that would set `window.__pwned` if it ever ran."""
    audit = sample_audit()
    ref = audit.lists[0].references[3]
    ref.text = ref.text + " " + PWN
    audit.findings.append(Finding("parse_problem", "info", "[4]", PWN, {"raw": PWN, "note": PWN}, ref.span))
    audit.support = [
        SupportLink(number=n, marker=f"[{n}]", span=Span(10 * n, 10 * n + 3, n), context=f"claim {n} {PWN}",
                    score=score, evidence="abstract" if n == 2 else "parsed title", best_sentence=f"sentence {n}",
                    grade="citation_unrelated" if score < -2 else None)
        for n, score in ((1, 0.4), (2, -2.5), (3, 1.2), (4, -0.3))]
    return [audit, empty_audit()]


@pytest.fixture
def page(driver: Any, tmp_path: Path) -> Any:  # noqa: F811 - the shared fixture
    path = tmp_path / "report.html"
    path.write_text(render_html(hostile_audits()), encoding="utf-8")
    driver.get(path.as_uri())
    return driver


def _visible_kinds(drv: Any, table: str = "ftable-1") -> list[str]:
    rows = drv.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr.finding")
    return [r.get_attribute("data-kind") for r in rows if r.is_displayed()]


def _visible_severities(drv: Any, table: str = "ftable-1") -> set[str]:
    rows = drv.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr.finding")
    return {r.get_attribute("data-severity") for r in rows if r.is_displayed()}


def _screenshot(drv: Any, path: Path) -> None:
    height = drv.execute_script("return document.documentElement.scrollHeight")
    drv.set_window_size(1400, max(800, min(int(height), 8000)))
    path.parent.mkdir(parents=True, exist_ok=True)
    assert drv.save_screenshot(str(path)), path
    drv.set_window_size(1400, 1000)


def test_renders_and_writes_screenshot(page: Any, tmp_path: Path) -> None:
    assert page.title == "citecheck report"
    for selector in ("table.findings", "table.references", "table.claims", ".summary .chip"):
        assert page.find_elements(By.CSS_SELECTOR, selector), selector
    assert page.find_element(By.CSS_SELECTOR, "form.filters").is_displayed()  # the script ran under the CSP
    assert page.find_element(By.CSS_SELECTOR, "#ftable-1 + .empty-filter").is_displayed() is False
    shot = tmp_path / "report.png"
    _screenshot(page, shot)
    assert shot.stat().st_size > 10_000
    if os.environ.get("CITECHECK_SCREENSHOT_DIR"):
        target = Path(os.environ["CITECHECK_SCREENSHOT_DIR"]) / "report.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)


def _support_markers(drv: Any) -> list[str]:
    return [r.find_elements(By.TAG_NAME, "td")[1].text for r in drv.find_elements(By.CSS_SELECTOR, "#stable-1 tbody tr")]


def test_every_scored_link_sorts_by_score(page: Any) -> None:
    assert _support_markers(page) == ["[1]", "[2]", "[3]", "[4]"]  # document order as written
    head = page.find_elements(By.CSS_SELECTOR, "#stable-1 thead th")[3]
    head.click()
    assert _support_markers(page) == ["[2]", "[4]", "[1]", "[3]"]  # worst fit first
    assert head.get_attribute("aria-sort") == "ascending"
    head.click()
    assert _support_markers(page) == ["[3]", "[1]", "[4]", "[2]"]
    assert page.execute_script("return window.__pwned === undefined")


def test_severity_checkbox_hides_its_rows(page: Any) -> None:
    assert _visible_severities(page) == {"error", "warning", "info"}
    output = page.find_element(By.CSS_SELECTOR, "form[data-table=ftable-1] output.shown")
    assert output.text == "11 of 11 shown"
    page.find_element(By.CSS_SELECTOR, "form[data-table=ftable-1] input[value=error]").click()
    assert _visible_severities(page) == {"warning", "info"}
    assert output.text == "9 of 11 shown"
    page.find_element(By.CSS_SELECTOR, "form[data-table=ftable-1] input[value=info]").click()
    assert _visible_severities(page) == {"warning"}
    page.find_element(By.CSS_SELECTOR, "form[data-table=ftable-1] input[value=error]").click()
    assert _visible_severities(page) == {"error", "warning"}
    assert _visible_severities(page, "ftable-2") == {"warning"}  # filters are per document


def test_kind_select_shows_only_that_kind(page: Any) -> None:
    form = "form[data-table=ftable-1]"
    Select(page.find_element(By.CSS_SELECTOR, f"{form} select[name=kind]")).select_by_value("typo")
    assert _visible_kinds(page) == ["typo"]
    assert "misspelt title or journal" in page.find_element(By.CSS_SELECTOR, f"{form} .explain").text
    page.find_element(By.CSS_SELECTOR, f"{form} input[value=warning]").click()  # typo is a warning
    assert _visible_kinds(page) == []
    assert page.find_element(By.CSS_SELECTOR, "#ftable-1 + .empty-filter").is_displayed()
    page.find_element(By.CSS_SELECTOR, f"{form} input[value=warning]").click()
    Select(page.find_element(By.CSS_SELECTOR, f"{form} select[name=kind]")).select_by_value("")
    assert len(_visible_kinds(page)) == 11


def test_hostile_text_is_inert_and_literal(page: Any) -> None:
    with pytest.raises(NoAlertPresentException):
        _ = page.switch_to.alert.text
    assert page.execute_script("return window.__pwned === undefined")
    assert page.execute_script("return document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.execute_script("return document.scripts.length") == 2
    assert page.execute_script(
        "return [...document.querySelectorAll('*')].filter(e => [...e.attributes]"
        ".some(a => a.name.startsWith('on'))).length") == 0
    raw = page.find_element(By.CSS_SELECTOR, "tr[data-verdict=not_found] .raw").text
    assert "<script>alert(1)</script>" in raw and '" onerror="alert(1)' in raw and PWN in raw
    sentence = page.find_elements(By.CSS_SELECTOR, "table.claims td.sentence")
    assert any("<script>alert(1)</script> | pipe" in td.text for td in sentence)


def test_javascript_url_is_not_a_link(page: Any) -> None:
    assert page.execute_script(
        "return [...document.links].filter(a => !a.getAttribute('href').startsWith('#')"
        " && !/^https?:$/.test(a.protocol)).length") == 0
    spans = [e for e in page.find_elements(By.CSS_SELECTOR, ".nolink") if e.text == XSS_URL]
    assert spans and all(e.tag_name == "span" for e in spans)
    doi_links = [a.get_attribute("href") for a in page.find_elements(By.CSS_SELECTOR, "td.doi a")]
    assert doi_links and all(h.startswith("https://doi.org/10.") for h in doi_links)


def test_no_network_and_no_console_errors(page: Any) -> None:
    assert page.execute_script("return performance.getEntriesByType('resource').length") == 0
    errors = [e for e in page.get_log("browser") if e.get("level") == "SEVERE"]
    assert not errors, errors
