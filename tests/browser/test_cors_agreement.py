"""check-cors against real Chromium: for every server configuration, the four predictions
(GET and JSON POST, credentials omitted and included) are what Chromium's fetch() does.
The same matrix checks that the findings and exit codes match each configuration's intent."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import REPO, Spawned, child_env, free_port

pytestmark = pytest.mark.browser

FETCH = """async ({url, method, credentials}) => {
  const init = {method, credentials, mode: 'cors', cache: 'no-store'}
  if (method === 'POST') {
    init.headers = {'Content-Type': 'application/json'}
    init.body = JSON.stringify({color: 'teal'})
  }
  try { const response = await fetch(url, init); await response.text(); return true }
  catch (error) { return false }
}"""

# name: (check-cors exit code, findings that must be there, findings that must not be, --credentials)
INTENT = {
    "correct": (0, set(), {"high", "medium", "low"}, False),
    "correct-credentials": (0, set(), {"high", "medium", "low"}, True),
    # CORS(app): send_wildcard is off, so flask-cors echoes every origin (without credentials).
    "flask-cors-defaults": (0, {"origin-reflected"}, {"high"}, False),
    "reflect-credentials": (1, {"origin-reflected", "null-origin-allowed"}, set(), False),
    "restricted-methods": (1, set(), {"high", "medium"}, False),
    "restricted-headers": (1, set(), {"high", "medium"}, False),
    "redirecting-route": (1, {"redirect-under-api"}, {"high", "medium"}, False),
    "no-preflight-handler": (1, {"preflight-not-handled"}, {"high", "medium"}, False),
    "two-acao": (1, {"multiple-allow-origin"}, {"high", "medium"}, False),
    "trailing-slash": (1, set(), {"high", "medium"}, False),
    "prefix-regex": (1, {"origin-suffix"}, set(), False),
    "null-allowed": (0, {"null-origin-allowed"}, {"high"}, False),
    "wildcard-credentials": (0, {"wildcard-with-credentials"}, {"high", "medium"}, False),
    "project-api": (0, set(), {"high", "medium", "low"}, False),
}
HIGHS = {"reflect-credentials", "prefix-regex"}


@pytest.fixture(scope="module")
def servers():
    page_port = free_port()
    proc = Spawned([sys.executable, "-m", "tests.browser.cors_servers", str(page_port)], env=child_env(), stdout=subprocess.PIPE, text=True)
    try:
        ports = json.loads(proc.proc.stdout.readline())
        yield f"http://localhost:{page_port}", ports
    finally:
        proc.kill_all()


@pytest.fixture(scope="module")
def predictions(servers):
    """check-cors --json for every configuration, run concurrently as a user would run it."""
    page, ports = servers
    runs = {}
    for name, (_, _, _, credentials) in INTENT.items():
        args = [sys.executable, "-m", "devtool", "--root", str(REPO), "check-cors", "--json", "--no-ui",
                "--api", f"http://127.0.0.1:{ports[name]}", "--origin", page, "--path", "/api/color"]
        runs[name] = subprocess.Popen(args + (["--credentials"] if credentials else []), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
    results = {}
    for name, proc in runs.items():
        out, err = proc.communicate(timeout=60)
        assert not err.strip(), f"{name}: {err}"
        results[name] = (proc.returncode, json.loads(out))
    return results


@pytest.fixture(scope="module")
def probe_page(browser, servers):
    page_origin, _ = servers
    context = browser.new_context()
    page = context.new_page()
    page.goto(page_origin + "/")
    yield page
    context.close()


def test_the_matrix_has_the_configurations_the_issue_names():
    assert len(INTENT) >= 12


@pytest.mark.parametrize("name", list(INTENT))
def test_prediction_matches_chromium(name, servers, predictions, probe_page):
    page_origin, ports = servers
    _, report = predictions[name]
    url = f"http://127.0.0.1:{ports[name]}/api/color"
    scenarios = [s for s in report["scenarios"] if s["url"] == url and s["origin"] == page_origin]
    assert len(scenarios) == 4
    for scenario in scenarios:
        actual = probe_page.evaluate(FETCH, {"url": url, "method": scenario["method"], "credentials": scenario["credentials"]})
        label = f"{name}: {scenario['method']} credentials={scenario['credentials']}"
        assert actual == scenario["allowed"], f"{label}: Chromium {'allowed' if actual else 'blocked'}, check-cors said {scenario['reason']!r}"


@pytest.mark.parametrize("name", list(INTENT))
def test_findings_and_exit_code_match_the_intent(name, predictions):
    code, report = predictions[name]
    expected_code, must, must_not, _ = INTENT[name]
    ids = {f["id"] for f in report["findings"]}
    severities = {f["severity"] for f in report["findings"]}
    assert code == expected_code, report["findings"]
    assert must <= ids, f"{name}: missing {must - ids}; found {ids}"
    assert not (severities & must_not), f"{name}: unexpected {[(f['id'], f['severity']) for f in report['findings']]}"
    assert ("high" in severities) == (name in HIGHS)
    assert report["ok"] is (code == 0)
