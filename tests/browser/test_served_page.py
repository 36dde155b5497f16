"""The production shape in real Chromium: one origin behind nginx, no CORS involved."""

from __future__ import annotations

import pytest

from tests.conftest import require_program
from tests.helpers import DevtoolRun, copy_project, free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    require_program("nginx", "/usr/sbin/nginx")
    root = copy_project(tmp_path_factory.mktemp("served"))
    port = free_port()
    run = DevtoolRun(root, "--port", str(port), command="serve")
    try:
        run.wait_for("serving http://", timeout=180)
        yield port, root
    finally:
        run.cleanup()


def test_served_page_shows_and_sets_the_color_on_one_origin(page, served):
    port, root = served
    origin = f"http://127.0.0.1:{port}"
    cross_origin = []
    page.on("request", lambda request: cross_origin.append(request.url) if not request.url.startswith(origin) else None)

    page.goto(f"{origin}/")
    page.get_by_test_id("mode").filter(has_text="mode: same origin").wait_for()
    page.get_by_test_id("color").filter(has_text="rebeccapurple").wait_for()
    page.get_by_test_id("color-input").fill("seagreen")
    page.get_by_test_id("color-submit").click()
    page.get_by_test_id("color").filter(has_text="seagreen").wait_for()

    # The POST went through nginx to gunicorn. (The color lives in memory per worker process, as
    # DESIGN §3 says, so a later GET may reach a worker that never saw it: no assertion on that.)
    api_log = (root / ".devtool/serve/logs/api.log").read_text()
    assert '"POST /api/color HTTP/1.0" 200' in api_log or '"POST /api/color HTTP/1.1" 200' in api_log
    assert cross_origin == []  # every request stayed on the page's origin: CORS never applied
    assert [m for m in page.console_messages_seen if "CORS" in m] == []
