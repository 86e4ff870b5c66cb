"""The upload page in headless Chromium: upload, progress, the report shown; hostile names and
contents stay text (no script runs, nothing is injected)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser import By, WebDriverWait, driver, pytestmark  # noqa: F401
from tests.service_fixtures import DEMO, Service, needs_redis, redis_url, service  # noqa: F401

PWN = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


def _statuses(drv: Any) -> list[str]:
    return [td.get_attribute("data-status") for td in drv.find_elements(By.CSS_SELECTOR, "#jobs td.status")]


@needs_redis
def test_upload_progress_and_report_with_hostile_input(driver: Any, service: Service, tmp_path: Path) -> None:  # noqa: F811
    good = tmp_path / "review.md"
    good.write_text((DEMO / "review.zh.md").read_text(encoding="utf-8"), encoding="utf-8")
    hostile = tmp_path / '<img src=x onerror="window.__pwned=3">.md'
    hostile.write_text(f"# {PWN}\n\nA claim {PWN} [1].\n\n## References\n\n[1] Li A. {PWN}[J]. J, 2020, 1: 1-9.\n",
                       encoding="utf-8")
    driver.get(service.url + "/")
    assert driver.execute_script("return document.getElementById('jobs').hidden") is True
    driver.find_element(By.ID, "files").send_keys(f"{good}\n{hostile}")
    driver.find_element(By.ID, "send").click()
    wait = WebDriverWait(driver, 60, poll_frequency=0.2)
    wait.until(lambda d: len(_statuses(d)) == 2)
    names = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#jobs td.name")]
    assert "review.md" in names and len(names) == 2
    hostile_name = next(n for n in names if n != "review.md")  # the browser's own quoting of '"' may differ
    assert hostile_name.startswith("img_src_x_onerror") and not set(hostile_name) & set('<>"/= ')
    wait.until(lambda d: _statuses(d) == ["done", "done"])
    assert driver.find_element(By.ID, "message").text == "all done"
    frame = driver.find_element(By.ID, "report")
    assert frame.get_attribute("src").endswith("/report.html")
    assert frame.get_attribute("sandbox") == "allow-scripts"
    driver.switch_to.frame(frame)
    try:
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "h1, h2"))
        assert "citecheck" in driver.page_source
        assert driver.execute_script("return window.__pwned === undefined")
    finally:
        driver.switch_to.default_content()
    for row in driver.find_elements(By.CSS_SELECTOR, "#jobs tbody tr"):
        row.find_element(By.TAG_NAME, "button").click()  # show each report, the hostile one too
        driver.switch_to.frame(driver.find_element(By.ID, "report"))
        try:
            assert driver.execute_script("return window.__pwned === undefined")
            assert not driver.find_elements(By.CSS_SELECTOR, "img[src=x]")
        finally:
            driver.switch_to.default_content()
    assert driver.execute_script("return window.__pwned === undefined")
    assert not driver.find_elements(By.CSS_SELECTOR, "img[src=x]")
    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert errors == [], errors
