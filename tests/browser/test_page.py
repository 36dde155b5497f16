"""The page in real Chromium, against the real Flask and Vite started by `devtool up`."""

from __future__ import annotations

import json
import sys

import pytest

from tests.helpers import DevtoolRun, copy_project, free_ports, http_get

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", params=["proxy", "cors"])
def stack(request, tmp_path_factory):
    """One `devtool up` per mode, shared by the tests of that mode."""
    root = copy_project(tmp_path_factory.mktemp(f"stack-{request.param}"))
    api, ui = free_ports(2)
    run = DevtoolRun(root, "--api-port", str(api), "--ui-port", str(ui), "--mode", request.param)
    try:
        run.wait_for(" · mode ")
        yield request.param, api, ui
    finally:
        run.cleanup()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_page_shows_and_sets_the_color(page, stack, host):
    mode, api, ui = stack
    color = "teal" if host == "localhost" else "tomato"
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    page.goto(f"http://{host}:{ui}/")
    page.get_by_test_id("mode").filter(has_text=f"mode: {mode}").wait_for()
    shown = page.get_by_test_id("color")
    current = json.loads(http_get(f"http://127.0.0.1:{api}/api/color")[2])["color"]
    shown.filter(has_text=current).wait_for()

    page.get_by_test_id("color-input").fill(color)
    page.get_by_test_id("color-submit").click()
    shown.filter(has_text=color).wait_for()

    assert json.loads(http_get(f"http://127.0.0.1:{api}/api/color")[2]) == {"color": color}
    assert page.get_by_test_id("error").count() == 0
    assert failed == []
    assert [m for m in page.console_messages_seen if "CORS" in m or "Failed to fetch" in m] == []


def test_page_shows_the_error_state_when_the_api_is_unreachable(page, stack):
    mode, api, ui = stack
    # Block the API's requests in the browser, as a dead API or a CORS refusal would.
    page.route("**/api/color", lambda route: route.abort())
    page.goto(f"http://127.0.0.1:{ui}/")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Cannot reach the API" in alert.inner_text()
    assert page.get_by_test_id("color").inner_text() == "unknown"


@pytest.fixture
def vite_calling(tmp_path):
    """Vite in cors mode, its page calling an API base the test chooses."""
    from tests.helpers import Spawned, child_env, wait_until

    started = []

    def start(api_url: str) -> int:
        ui = free_ports(1)[0]
        root = copy_project(tmp_path / f"ui-{ui}")
        started.append(Spawned(["npm", "run", "dev"], env=child_env(UI_PORT=str(ui), VITE_API_URL=api_url), cwd=root / "react_ui"))
        wait_until(lambda: http_get(f"http://127.0.0.1:{ui}/"), what="Vite")
        return ui

    yield start
    for proc in started:
        proc.kill_all()


def test_page_reports_an_api_that_is_not_running(page, vite_calling):
    nothing = free_ports(1)[0]
    ui = vite_calling(f"http://127.0.0.1:{nothing}")
    page.goto(f"http://127.0.0.1:{ui}/")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert f"Cannot reach the API at http://127.0.0.1:{nothing}/api/color" in alert.inner_text()
    assert page.get_by_test_id("color").inner_text() == "unknown"


def test_page_reports_a_request_blocked_by_cors(page, vite_calling):
    from tests.helpers import Spawned, child_env, wait_until

    api = free_ports(1)[0]
    # A real API whose policy does not list the page's origin: Chromium blocks the response.
    flask = Spawned([sys.executable, "-m", "flask_api.run"], env=child_env(API_PORT=str(api), FLASK_DEBUG="0", CORS_ORIGINS="http://elsewhere.test"))
    try:
        wait_until(lambda: http_get(f"http://127.0.0.1:{api}/api/health"), what="Flask")
        ui = vite_calling(f"http://127.0.0.1:{api}")
        page.goto(f"http://localhost:{ui}/")
        alert = page.get_by_role("alert")
        alert.wait_for()
        assert "blocked (CORS)" in alert.inner_text()
        assert any("CORS" in message for message in page.console_messages_seen)  # Chromium says why
    finally:
        flask.kill_all()
