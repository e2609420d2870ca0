"""A person page in headless Chromium: the coauthor network drawn by the page's own script and the
works-per-year chart are in the rendered DOM, and a screenshot is kept in tests/artifacts/."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="headless Chromium is not installed (/usr/bin/chromium; Debian "
                              "package 'chromium', which .ci/run installs)"),
]


def chromium(tmp_path: Path, name: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    profile = tmp_path / f"profile-{name}"  # a fresh profile per run: no state between runs
    return subprocess.run([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, timeout=120, check=True)


def test_person_page_draws_network_and_chart(live_server, tmp_path):
    url = f"{live_server}/person/max-zimmer"
    dom = chromium(tmp_path, "dom", "--virtual-time-budget=5000", "--dump-dom", url).stdout
    tree = lxml_html.fromstring(dom)
    (network,) = tree.xpath("//*[@id='coauthor-network']")
    assert network.get("data-rendered") == "true", "the network script did not run"
    data = json.loads(tree.xpath("//script[@id='network-data']")[0].text)
    circles = network.xpath(".//*[local-name()='circle']")
    lines = network.xpath(".//*[local-name()='line']")
    assert len(circles) == len(data["nodes"]) + 1 == int(network.get("data-nodes"))
    assert len(lines) == len(data["nodes"]) + len(data["links"])
    centre = network.xpath(".//*[local-name()='circle'][@class='center']")
    assert len(centre) == 1 and centre[0].get("data-id").endswith("/person/max-zimmer")
    # Every node was laid out inside the picture.
    for c in circles:
        assert 0 < float(c.get("cx")) < 560 and 0 < float(c.get("cy")) < 420
    bars = tree.xpath("//*[@id='works-per-year']//*[local-name()='rect'][@class='bar']")
    counts = {int(b.get("data-year")): int(b.get("data-count")) for b in bars}
    assert sum(counts.values()) == len(tree.xpath("//section[@class='works']//li"))
    assert max(counts.values()) > 0

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "person-page.png"
    shot.unlink(missing_ok=True)
    chromium(tmp_path, "shot", "--window-size=1280,900", "--virtual-time-budget=5000",
             f"--screenshot={shot}", url)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
