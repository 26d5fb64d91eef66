"""The web app as an analyst uses it, in headless Chromium, over the demo store.

One browser and one server for the module. Screenshots of the map (and of the report,
in test_report) go to out/, which git ignores.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import urllib.request
from pathlib import Path

import pytest

from web_support import ROOT, LiveServer, build_demo

OUT = ROOT / "out"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

if not (CHROMIUM and DRIVER):
    if os.environ.get("CI"):
        raise RuntimeError("chromium and chromium-driver are missing; .ci/run installs them")
    pytest.skip("headless browser tests need Debian's chromium and chromium-driver "
                "(apt-get install -y chromium chromium-driver)", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


def new_browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400",
                "--disable-gpu", "--no-first-run"):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(DRIVER))


@pytest.fixture(scope="module")
def demo(tmp_path_factory, detector) -> dict:
    return build_demo(tmp_path_factory.mktemp("browserdemo"), detector)


@pytest.fixture(scope="module")
def site(demo, detector):
    with LiveServer(Path(demo["database"]), detector) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    driver = new_browser()
    yield driver
    driver.quit()


def arrive(browser, fragment: str) -> None:
    """A click starts a navigation; wait until the new address is the one shown."""
    WebDriverWait(browser, 10).until(lambda b: fragment in b.current_url)


def items(browser) -> list:
    return browser.find_elements(By.CSS_SELECTOR, "#items article.item")


def test_the_timeline_filters_by_side_and_place_through_the_form(site, browser):
    browser.get(site.url + "/")
    everything = len(items(browser))
    Select(browser.find_element(By.NAME, "side")).select_by_value("ua")
    Select(browser.find_element(By.NAME, "place")).select_by_value("chasiv-yar")
    browser.find_element(By.ID, "apply").click()
    arrive(browser, "side=ua")
    assert "side=ua" in browser.current_url and "place=chasiv-yar" in browser.current_url
    shown = items(browser)
    assert 0 < len(shown) < everything
    for article in shown:
        assert "ua" in article.get_attribute("class").split()
        assert "Chasiv Yar" in [t.text for t in article.find_elements(By.CSS_SELECTOR, ".tags .place")]
    # the choice survives the page: the form shows what is applied
    assert Select(browser.find_element(By.NAME, "side")).first_selected_option.get_attribute("value") == "ua"


def test_a_date_range_keeps_only_that_days_posts(site, browser):
    browser.get(site.url + "/?since=2026-11-22&until=2026-11-22")
    dates = [a.find_element(By.CSS_SELECTOR, ".meta").text[:6] for a in items(browser)]
    assert dates and all(d == "22 Nov" for d in dates)


def test_a_topic_word_in_any_language_searches_the_topic_and_highlights_its_words(site, browser):
    found = {}
    for word in ("отступили", "відступ", "withdrawal"):
        browser.get(site.url + "/search")
        box = browser.find_element(By.NAME, "q")
        box.send_keys(word)
        box.submit()
        arrive(browser, "q=")
        assert "topic withdrawal" in browser.find_element(By.ID, "query-meaning").text
        shown = items(browser)
        assert shown
        for article in shown:
            assert "withdrawal" in [t.text for t in article.find_elements(By.CSS_SELECTOR, ".tags .topic")]
        assert all(a.find_elements(By.TAG_NAME, "mark") for a in shown)
        found[word] = [a.get_attribute("data-post") for a in shown]
    assert found["отступили"] == found["відступ"] == found["withdrawal"]


def test_a_place_and_a_topic_word_together_find_the_places_withdrawal_posts(site, browser):
    browser.get(site.url + "/search?q=Chasiv+Yar+withdrawal")
    shown = items(browser)
    assert len(shown) >= 3
    for article in shown:
        tags = [t.text for t in article.find_elements(By.CSS_SELECTOR, ".tags span")]
        assert "Chasiv Yar" in tags and "withdrawal" in tags


def test_the_post_page_shows_highlights_forwards_edits_and_deletion(site, browser):
    browser.get(site.url + "/post/shtab_oborony_demo/27410")
    assert browser.find_elements(By.CSS_SELECTOR, "#post-text mark")
    assert "Восточный рубеж" in browser.find_element(By.ID, "copies").text
    browser.find_element(By.CSS_SELECTOR, "#copies a").click()
    arrive(browser, "/post/vostochny_rubezh_demo/5")
    assert "Штаб оборони" in browser.find_element(By.ID, "copies").text

    browser.get(site.url + "/post/vostochny_rubezh_demo/9")
    versions = browser.find_elements(By.CSS_SELECTOR, "#versions li")
    assert len(versions) == 2 and versions[0].text != versions[1].text

    browser.get(site.url + "/post/peredok_z_demo/48241")
    assert "Deleted by the channel" in browser.find_element(By.ID, "deleted").text
    assert browser.find_element(By.ID, "post-text").text.strip()


def test_the_map_draws_each_counted_place_at_its_coordinates_and_links_to_its_posts(site, browser):
    OUT.mkdir(exist_ok=True)
    browser.get(site.url + "/map")
    circles = browser.find_elements(By.CSS_SELECTOR, "svg.map circle")
    features = json.loads(urllib.request.urlopen(site.url + "/places.geojson").read())["features"]
    assert len(circles) == len(features) >= 20
    radius = {c.get_attribute("data-place"): float(c.get_attribute("r")) for c in circles}
    busiest = max(features, key=lambda f: f["properties"]["posts"])["properties"]
    top = busiest["id"]
    assert radius[top] == max(radius.values())
    assert browser.find_element(By.CSS_SELECTOR, "svg.map path.land").get_attribute("d").startswith("M")
    browser.save_screenshot(str(OUT / "web-map.png"))
    circle = browser.find_element(By.CSS_SELECTOR, f"svg.map a circle[data-place='{top}']")
    # neighbours overlap it on a crowded front, so the click is dispatched on the circle itself
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", circle)
    arrive(browser, f"place={top}")
    shown = items(browser)
    assert len(shown) == min(busiest["posts"], 50)
    assert all(busiest["name"] in [t.text for t in a.find_elements(By.CSS_SELECTOR, ".tags .place")] for a in shown)


def test_each_export_link_on_the_page_downloads_what_the_page_lists(site, browser):
    browser.get(site.url + "/?side=ru&action=withdrawal")
    page_links = [a.find_element(By.CSS_SELECTOR, ".meta a[rel=noreferrer]").get_attribute("href")
                  for a in items(browser)]
    csv_url = browser.find_element(By.ID, "export-csv").get_attribute("href")
    json_url = browser.find_element(By.ID, "export-json").get_attribute("href")
    geo_url = browser.find_element(By.ID, "export-geojson").get_attribute("href")
    rows = list(csv.DictReader(io.StringIO(urllib.request.urlopen(csv_url).read().decode("utf-8"))))
    data = json.loads(urllib.request.urlopen(json_url).read())
    geo = json.loads(urllib.request.urlopen(geo_url).read())
    assert [r["link"] for r in rows][:len(page_links)] == page_links
    assert [i["link"] for i in data["items"]] == [r["link"] for r in rows]
    assert all(r["side"] == "ru" and "withdrawal" in r["topics"] for r in rows)
    assert geo["type"] == "FeatureCollection" and all(f["properties"]["ru"] > 0 for f in geo["features"])


def test_a_bad_filter_shows_which_parameter_is_wrong(site, browser):
    browser.get(site.url + "/?place=Atlantis")
    assert browser.find_element(By.ID, "problem").text.startswith("place: no known place «Atlantis»")


# the withdrawals the demo corpus plants as echoed by both sides (corpus/demo/README.md)
from test_demo import ECHOED  # noqa: E402


def test_the_demo_report_maps_the_demos_places_and_lists_its_planted_claims(demo, browser):
    OUT.mkdir(exist_ok=True)
    browser.get(Path(demo["report_html"]).resolve().as_uri())
    browser.save_screenshot(str(OUT / "report.png"))
    mapped = {c.find_element(By.TAG_NAME, "title").get_attribute("textContent").split(":")[0]
              for c in browser.find_elements(By.CSS_SELECTOR, "svg.map circle[data-place]")}
    assert {name for name, _ in demo["top_places"]} <= mapped
    both = {row.find_element(By.XPATH, "preceding::h3[1]").text
            for row in browser.find_elements(By.CSS_SELECTOR, "#claims li.tier-both_sides")}
    assert both == ECHOED
    rings = {c.get_attribute("data-claim") for c in browser.find_elements(By.CSS_SELECTOR, "svg.map circle.claim-ring")}
    assert len(rings) >= len(both)
    assert "New claims:" in browser.find_element(By.ID, "lead-claims").text
