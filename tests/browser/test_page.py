"""The page in real Chromium against the real Flask and Vite dev servers."""

from __future__ import annotations

import pytest

from tests.helpers import Spawned, child_env, free_ports, http_get, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture
def dev_servers():
    """Flask and Vite started straight from the Procfile's commands, on free ports."""
    api_port, ui_port = free_ports(2)
    env = child_env(API_PORT=str(api_port), UI_PORT=str(ui_port), FLASK_DEBUG="0")
    api = Spawned(["python", "-m", "flask_api.run"], env=env)
    web = Spawned(["npm", "run", "dev", "--silent"], env=env, cwd="react_ui")
    try:
        wait_until(lambda: http_get(f"http://127.0.0.1:{api_port}/api/health"), what="Flask")
        wait_until(lambda: http_get(f"http://127.0.0.1:{ui_port}/api/health"), what="Vite and its proxy")
        yield api_port, ui_port
    finally:
        web.kill_all()
        api.kill_all()


def test_page_shows_and_sets_the_color_through_the_proxy(page, dev_servers):
    api_port, ui_port = dev_servers
    page.goto(f"http://127.0.0.1:{ui_port}/")
    color = page.get_by_test_id("color")
    color.filter(has_text="rebeccapurple").wait_for()

    page.get_by_test_id("color-input").fill("teal")
    page.get_by_test_id("color-submit").click()
    color.filter(has_text="teal").wait_for()

    status, _, body = http_get(f"http://127.0.0.1:{api_port}/api/color")
    assert status == 200 and b'"teal"' in body
    assert not [m for m in page.console_messages_seen if "CORS" in m]
