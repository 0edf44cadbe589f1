"""Headless Chromium for the report tests: install it when missing, screenshot a page, and
list the network requests the page made (from Chromium's own NetLog)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
INSTALL_TIMEOUT = 1200
RENDER_TIMEOUT = 120
# Requests the browser makes for itself (no page asked for them) carry this initiator.
BROWSER_INITIATED = "not an origin"


def find_or_install_chromium() -> str:
    """Return Chromium's path; install the Debian package when missing and running as root,
    else skip the calling test with the reason."""
    found = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).is_file() else None)
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("needs headless Chromium: `apt-get install -y chromium` (as root)")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            env=environment,
            check=False,
        )
        if result.returncode != 0 and command[1] == "install":
            pytest.skip(f"could not install Chromium: {result.stderr.strip()[-500:]}")
    if not Path(CHROMIUM).is_file():
        pytest.skip("apt-get installed no /usr/bin/chromium")
    return CHROMIUM


@dataclass
class Rendered:
    """What one headless load of a page left behind."""

    screenshot: Path
    requests: list[str]  # URLs the page asked the network for


def render(chromium: str, page: Path, screenshot: Path, height: int = 1000) -> Rendered:
    """Load `page` from disk in headless Chromium with every host name unresolvable, take
    a screenshot, and return the URLs the page requested (none, for an offline page)."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        net_log = Path(profile) / "netlog.json"
        result = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}/data",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                f"--log-net-log={net_log}",
                f"--screenshot={screenshot}",
                f"--window-size=1400,{height}",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=RENDER_TIMEOUT,
            check=False,
        )
        if result.returncode != 0 or not screenshot.is_file():
            pytest.fail(f"chromium failed ({result.returncode}): {result.stderr[-3000:]}")
        return Rendered(screenshot, page_requests(net_log))


def page_requests(net_log: Path) -> list[str]:
    """Return the URLs of network requests a page started, from a Chromium NetLog file."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        # The job's start event names the URL and who asked; its end event names neither.
        if event["type"] != start_job or "url" not in params:
            continue
        if params.get("initiator") != BROWSER_INITIATED:
            urls.append(str(params["url"]))
    return urls
