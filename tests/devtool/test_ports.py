"""Port checks name the holder by pid and command."""

from __future__ import annotations

import socket
import sys

import pytest

from devtool import ports
from devtool.preflight import check_port
from tests.helpers import Spawned, free_port, wait_until


@pytest.fixture
def stranger():
    """A process that is not devtool's, listening on a free port."""
    port = free_port()
    code = f"import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',{port}))\ns.listen()\nprint('up',flush=True)\ntime.sleep(120)"
    proc = Spawned([sys.executable, "-c", code], stdout=-1)
    proc.proc.stdout.readline()
    yield port, proc.pid
    proc.kill_all()


def test_free_port_is_free():
    assert ports.is_free(free_port())


def test_taken_port_names_the_holder_pid_and_command(stranger):
    port, pid = stranger
    assert not ports.is_free(port)
    holder = ports.holder(port)
    assert holder.pid == pid
    assert "import socket" in holder.command
    check = check_port("api-port", port)
    assert not check.ok and f"pid {pid}" in check.detail and "--api-port" in check.hint


def test_port_in_time_wait_counts_as_free():
    # Servers bind with SO_REUSEADDR; a closed connection's TIME_WAIT must not look like a holder.
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    conn, _ = server.accept()
    conn.close()  # the server side closes first and keeps TIME_WAIT
    client.close()
    server.close()
    assert wait_until(lambda: ports.is_free(port), timeout=5, what="port free")
    assert ports.holder(port) is None
