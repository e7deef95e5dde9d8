"""The HTML matrix in a real headless browser (Debian's chromium and chromium-driver, through
selenium): the table, the member filter and what a screenshot shows.

Skipped only where no browser is installed and ``TENCENTCHAT_REQUIRE_BROWSER`` is unset; CI
sets it (``.ci/run`` installs the browser), so there a missing browser fails instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi_tencentchat.cli._matrix_html import render_html
from pulumi_tencentchat.matrix import build

from tests.cli.matrix_data import GENERAL, NEWS, SNAPSHOT
from tests.support.png import read_png

REQUIRE = "TENCENTCHAT_REQUIRE_BROWSER"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
WINDOW = (1000, 1000)


def _installed() -> tuple[str, str] | None:
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    found = _installed()
    if found is None:
        if os.environ.get(REQUIRE):
            pytest.fail(f"{REQUIRE} is set but chromium and chromedriver are not both on PATH "
                        "(Debian: apt-get install chromium chromium-driver)")
        pytest.skip("no chromium/chromedriver on PATH and TENCENTCHAT_REQUIRE_BROWSER unset")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        if os.environ.get(REQUIRE):
            raise
        pytest.skip("selenium is not installed (pip install -e '.[dev]')")
    browser, chromedriver = found
    options = Options()
    options.binary_location = browser
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--hide-scrollbars",
                     f"--window-size={WINDOW[0]},{WINDOW[1]}",
                     # Offline: any attempt to reach the network fails at once.
                     "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    session = webdriver.Chrome(service=Service(chromedriver), options=options)
    session.set_page_load_timeout(30)
    yield session
    session.quit()


@pytest.fixture
def page(driver: Any, tmp_path: Path) -> Any:
    path = tmp_path / "matrix.html"
    path.write_text(render_html(build(SNAPSHOT)), encoding="utf-8")
    driver.get(path.as_uri())
    return driver


def shown(driver: Any, css: str) -> list[str]:
    return [e.text for e in driver.find_elements("css selector", css) if e.is_displayed()]


def cell(driver: Any, scope: str, right: str, css: str) -> Any:
    row = driver.find_element("css selector", f'tr[data-scope="{scope}"][data-right="{right}"]')
    return row.find_element("css selector", css)


def test_the_page_shows_the_matrix(page: Any) -> None:
    assert page.title == "Who may do what: Fixture"
    headers = shown(page, "#matrix thead th")
    assert [h.splitlines()[0] for h in headers] == ["Right", "Default", "Moderators",
                                                    "Readers", "Empty"]
    # 11 community rights and bit40, 7 rights in each of the three topics.
    assert len(page.find_elements("css selector", "tr[data-right]")) == 12 + 3 * 7 + 1
    assert cell(page, "", "SendGroupMessage", "td.on").text == "✓"
    assert cell(page, NEWS, "TopicAtAll", 'td[data-pg="@PMG#_mods"]').get_attribute(
        "class") == "on"
    assert cell(page, NEWS, "TopicAtAll", 'td[data-pg="@PMG#_readers"]').get_attribute(
        "class") == "off"
    assert "2025-03-04T05:06:07+00:00" in page.find_element("css selector", ".meta").text
    # Nothing failed to load or run (the page's policy forbids any external asset).
    assert [e for e in page.get_log("browser") if e["level"] == "SEVERE"] == []


def test_the_member_filter_changes_what_is_shown(page: Any) -> None:
    from selenium.webdriver.support.ui import Select

    assert shown(page, "th.eff") == []
    Select(page.find_element("id", "member")).select_by_value("carol")
    headers = [h.splitlines()[0] for h in shown(page, "#matrix thead th")]
    assert headers == ["Right", "Default", "Readers", "Effective for carol"]
    assert page.find_element("id", "member-groups").text == "member of Readers"
    assert cell(page, "", "SendGroupMessage", "td.eff").text == "✓ default"
    assert cell(page, "", "GetGroupHistoryMessage", "td.eff").text == "✓ default, Readers"
    assert cell(page, GENERAL, "GetTopicHistoryMessage", "td.eff").text == "✓ Readers"
    # Community-wide SendGroupMessage is not folded into the topic.
    assert cell(page, NEWS, "SendTopicMessage", "td.eff").text == "·"
    assert not cell(page, "", "GroupAtAll", 'td[data-pg="@PMG#_mods"]').is_displayed()

    Select(page.find_element("id", "member")).select_by_value("bob")
    headers = [h.splitlines()[0] for h in shown(page, "#matrix thead th")]
    assert headers == ["Right", "Default", "Moderators", "Readers", "Effective for bob"]
    assert cell(page, NEWS, "TopicAtAll", "td.eff").text == "✓ Moderators"

    Select(page.find_element("id", "member")).select_by_value("")
    assert len(shown(page, "#matrix thead th")) == 5 and shown(page, "th.eff") == []


def test_a_screenshot_shows_a_substantial_page(page: Any) -> None:
    image = read_png(page.get_screenshot_as_png())
    assert image.width == WINDOW[0] and image.height > WINDOW[1] / 2  # the viewport
    background = image.background()
    assert background[:3] == (255, 255, 255)  # the page's white
    drawn = image.differing(background)
    share = len(drawn) / (image.width * image.height)
    xs, ys = [x for x, _ in drawn], [y for _, y in drawn]
    # Text, rules and the coloured cells of a table across most of the window.
    assert 0.05 < share < 0.6, share
    assert max(xs) - min(xs) > image.width / 2 and max(ys) - min(ys) > image.height / 2
    # Granted cells are coloured: a good number of greenish pixels.
    green = sum(1 for row in image.rows for p in row if p[1] > p[0] + 15 and p[1] > p[2] + 15)
    assert green > 2000, green
