"""The web pages in a real browser: Debian's headless Chromium, driven by Selenium.

    web_test.py --url http://127.0.0.1:PORT --screenshots DIR [--token TOKEN]

Against a server started with --seed-demo. Without --token it checks every page (no console
error, no failed request), the jobs table and its state filter (rows and URL), the verdict
badges, a job page's charts (exactly the points the API returns) and its verdicts, labelled
controls, and the pages at phone width. With --token the server requires a token for reads:
the page must ask for it once, then work, and keep it for the tab. Screenshots of each page
go to DIR. Prints one line per check; exits 1 when any fails.
"""

import argparse
import json
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

failures = 0


def check(name, condition, detail=""):
    global failures
    if condition:
        print(f"ok   [web] {name}")
    else:
        failures += 1
        print(f"FAIL [web] {name}{': ' + detail if detail else ''}")


def api(base, path, token=None):
    request = urllib.request.Request(base + path, headers={"Accept": "application/json"})
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def browser(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(20)
    return driver


def wait_until_ready(driver, what="pageReadyAt", timeout=20):
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(f"return window.hpcObs && window.hpcObs.{what} !== null"))


def problems(driver):
    """Console errors, and requests that failed or answered 4xx/5xx, since the last call."""
    found = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    found += driver.execute_script(
        """
        const bad = performance.getEntriesByType('resource')
            .filter((e) => e.responseStatus === 0 && e.transferSize === 0 && e.decodedBodySize === 0 && e.duration === 0
                || e.responseStatus >= 400)
            .map((e) => e.name + ' -> ' + e.responseStatus);
        performance.clearResourceTimings();
        return bad;
        """
    )
    return found


def screenshot(driver, path):
    """The whole page, not only the window: the window grows to the page's height for it."""
    width, height = driver.get_window_size()["width"], driver.get_window_size()["height"]
    full = min(4000, driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(width, max(height, full))
    driver.save_screenshot(path)
    driver.set_window_size(width, height)


def open_page(driver, url, what="pageReadyAt"):
    driver.get(url)
    wait_until_ready(driver, what)


def pages_without_token(base, screenshots):
    driver = browser(1280, 800)
    try:
        # Overview
        open_page(driver, base + "/")
        check("overview loads without console errors or failed requests", not (found := problems(driver)), "; ".join(found))
        stats = api(base, "/v1/stats")
        tiles = driver.find_elements(By.CSS_SELECTOR, ".tiles li")
        check("overview shows a count for every state", len(tiles) == len(stats["jobsByState"]), f"{len(tiles)} tiles")
        running_tile = driver.find_element(By.CSS_SELECTOR, "a[href='/jobs?state=running'] strong").text
        check("overview's running count is the API's", running_tile == str(stats["jobsByState"]["running"]), running_tile)
        users = driver.find_elements(By.CSS_SELECTOR, "section[aria-label='Top users by CPU-hours'] tbody tr")
        check("overview ranks users by CPU-hours", len(users) > 0)
        screenshot(driver, f"{screenshots}/overview.png")

        # Jobs table
        open_page(driver, base + "/jobs")
        check("jobs page loads without console errors or failed requests", not (found := problems(driver)), "; ".join(found))
        listing = api(base, "/v1/jobs?limit=50")
        rows = driver.find_elements(By.CSS_SELECTOR, "#jobs-table tbody tr")
        check("jobs table shows the demo jobs", len(rows) == len(listing["jobs"]) > 0, f"{len(rows)} rows, API {len(listing['jobs'])}")
        shown = [row.get_attribute("data-job") for row in rows]
        check("jobs table is in the API's order", shown == [job["id"] for job in listing["jobs"]])
        wasteful = [job for job in listing["jobs"] if job.get("verdicts")]
        badges = driver.find_elements(By.CSS_SELECTOR, "#jobs-table .verdict")
        check(
            "verdict badges for the demo's wasteful jobs",
            len(wasteful) > 0 and len(badges) == sum(len(job["verdicts"]) for job in wasteful),
            f"{len(badges)} badges for {len(wasteful)} jobs",
        )
        unlabelled = driver.execute_script(
            "return [...document.querySelectorAll('#jobs-form input, #jobs-form select')].filter((c) => c.labels.length === 0).map((c) => c.name)"
        )
        check("every filter has a label", not unlabelled, ", ".join(unlabelled))
        screenshot(driver, f"{screenshots}/jobs.png")

        # The state filter: new rows and a new URL, without a reload.
        driver.execute_script("window.hpcObsMarker = 'same document'")
        running = api(base, "/v1/jobs?state=running&limit=50")
        Select(driver.find_element(By.ID, "filter-state")).select_by_value("running")
        WebDriverWait(driver, 10).until(lambda d: "state=running" in d.current_url and d.execute_script("return window.hpcObs.pageReadyAt !== null"))
        WebDriverWait(driver, 10).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "#jobs-table tbody tr")) == len(running["jobs"])
        )
        states = {badge.text for badge in driver.find_elements(By.CSS_SELECTOR, "#jobs-table tbody td:nth-child(5) .badge")}
        check("state filter changes the rows", states == {"running"} and len(running["jobs"]) > 0, f"states {states}")
        check("state filter is kept in the URL", driver.current_url.endswith("/jobs?state=running"), driver.current_url)
        check("state filter needs no reload", driver.execute_script("return window.hpcObsMarker") == "same document")
        check("filtered jobs page has no console errors", not (found := problems(driver)), "; ".join(found))
        driver.refresh()
        wait_until_ready(driver)
        check(
            "a filtered URL opens filtered",
            Select(driver.find_element(By.ID, "filter-state")).first_selected_option.get_attribute("value") == "running"
            and len(driver.find_elements(By.CSS_SELECTOR, "#jobs-table tbody tr")) == len(running["jobs"]),
        )

        # A job: its facts, verdicts and charts.
        candidates = [job for job in api(base, "/v1/jobs?limit=100")["jobs"] if job.get("startTime") and job.get("requestedGpus")]
        candidates.sort(key=lambda job: (-len(job.get("verdicts", [])), -job["runtimeSeconds"]))
        job = candidates[0]
        detail = api(base, f"/v1/jobs/{job['id']}")
        open_page(driver, f"{base}/jobs/{job['id']}", "chartsDrawnAt")
        check("job page loads without console errors or failed requests", not (found := problems(driver)), "; ".join(found))
        notes = detail.get("summary", {}).get("notes", [])
        shown_notes = driver.find_elements(By.CSS_SELECTOR, "#verdicts li")
        check("job page states the job's verdicts", len(notes) > 0 and len(shown_notes) == len(notes), f"{len(shown_notes)} of {len(notes)}")
        metrics_url = driver.execute_script("return window.hpcObs.metricsURL")
        metrics = api(base, metrics_url)
        for chart, field in (("cpu", "cpuUsage"), ("memory", "memoryUsageMb"), ("gpu", "gpuUsage")):
            drawn = driver.execute_script(
                """
                const g = window.hpcObs.charts[arguments[0]];
                if (!g) return -1;
                const labels = g.getLabels();
                let points = 0;
                for (let row = 0; row < g.numRows(); row++)
                    for (let column = 1; column < labels.length; column++)
                        if (labels[column] !== 'requested' && labels[column] !== 'allocated' && g.getValue(row, column) !== null) points++;
                return points;
                """,
                chart,
            )
            expected = sum(1 for sample in metrics["samples"] if sample.get(field) is not None)
            check(f"{chart} chart draws exactly the API's {expected} points", drawn == expected and expected > 0, f"drew {drawn}")
        requested = driver.execute_script("return window.hpcObs.charts.memory.getLabels().includes('requested')")
        check("memory chart draws the request", requested)
        screenshot(driver, f"{screenshots}/job.png")

        # Zoom: a drag on the CPU chart zooms every chart and fetches the range again.
        before = driver.execute_script("return window.hpcObs.metricsURL")
        driver.execute_script(
            """
            const g = window.hpcObs.charts.cpu;
            const [low, high] = g.xAxisExtremes();
            g.updateOptions({ dateWindow: [low + (high - low) / 4, low + (high - low) / 2] });
            g.getOption('zoomCallback').call(g, low + (high - low) / 4, low + (high - low) / 2, []);
            """
        )
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return window.hpcObs.metricsURL") != before)
        check("zooming fetches the range at a finer step", "from=" in driver.execute_script("return window.hpcObs.metricsURL"))
        check("zoomed job page has no console errors", not (found := problems(driver)), "; ".join(found))
    finally:
        driver.quit()

    # Phone width: readable without scrolling the page sideways (tables scroll on their own).
    driver = browser(390, 844)
    try:
        for path, name in (("/", "overview-phone"), ("/jobs", "jobs-phone")):
            open_page(driver, base + path)
            overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            check(f"{path} fits a phone's width", overflow <= 1, f"{overflow} px too wide")
            check(f"{path} at phone width has no console errors", not (found := problems(driver)), "; ".join(found))
            screenshot(driver, f"{screenshots}/{name}.png")
    finally:
        driver.quit()


def pages_with_token(base, screenshots, token):
    driver = browser(1280, 800)
    try:
        driver.get(base + "/")
        WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "token-dialog").get_attribute("open") is not None)
        check("asks for the token when reads need one", True)
        screenshot(driver, f"{screenshots}/token.png")
        field = driver.find_element(By.ID, "token-input")
        check("the token field has a label", driver.execute_script("return arguments[0].labels.length", field) == 1)
        field.send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "#token-form button[type=submit]").click()
        wait_until_ready(driver)
        tiles = driver.find_elements(By.CSS_SELECTOR, ".tiles li")
        check("works once given the token", len(tiles) == 10 and not driver.find_elements(By.CSS_SELECTOR, ".error"))
        check("no console errors with a token", not (found := problems(driver)), "; ".join(found))
        driver.get(base + "/jobs")
        wait_until_ready(driver)
        asked_again = driver.find_element(By.ID, "token-dialog").get_attribute("open") is not None
        rows = driver.find_elements(By.CSS_SELECTOR, "#jobs-table tbody tr")
        check("keeps the token for the tab", not asked_again and len(rows) > 0, f"asked again: {asked_again}, {len(rows)} rows")
    finally:
        driver.quit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--token")
    arguments = parser.parse_args()
    started = time.monotonic()
    if arguments.token:
        pages_with_token(arguments.url, arguments.screenshots, arguments.token)
    else:
        pages_without_token(arguments.url, arguments.screenshots)
    print(f"web_test.py: {failures} failed, {time.monotonic() - started:.1f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
