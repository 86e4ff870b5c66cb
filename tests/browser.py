"""Headless Chromium for the browser tests (HTML report, upload page), driven by Selenium.

Needs Debian's `chromium` and `chromium-driver` (CI installs them) and the `selenium` package; the
tests are skipped with the reason when either is missing, unless ``CITECHECK_REQUIRE_BROWSER=1``
(CI). Selenium Manager is never used: the driver path is given, so nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = next((p for p in (os.environ.get("CITECHECK_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium",
                             shutil.which("chromium-browser"), shutil.which("google-chrome")) if p and Path(p).exists()),
                None)
CHROMEDRIVER = next((p for p in (os.environ.get("CITECHECK_CHROMEDRIVER"), shutil.which("chromedriver"),
                                 "/usr/bin/chromedriver") if p and Path(p).exists()), None)

if os.environ.get("CITECHECK_REQUIRE_BROWSER") and (CHROMIUM is None or CHROMEDRIVER is None):
    # CI installs the browser; there a missing one is a failure, not a skip
    raise RuntimeError("CITECHECK_REQUIRE_BROWSER is set but chromium/chromedriver is missing")

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install -y chromium chromium-driver)"),
    pytest.mark.skipif(CHROMEDRIVER is None, reason="no chromedriver (apt-get install -y chromium-driver)"),
]

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

__all__ = ["CHROMEDRIVER", "CHROMIUM", "By", "NoAlertPresentException", "Select", "WebDriverWait", "driver",
           "pytestmark"]


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1400,1000", "--hide-scrollbars", "--force-device-scale-factor=1",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    drv.set_page_load_timeout(30)
    try:
        yield drv
    finally:
        drv.quit()


