"""The preview server answers this machine only, serves the document's images so that no
script runs from them, sends each event whole, and says so when it cannot listen."""
from __future__ import annotations

import http.client
import os
import socket
import threading

import pytest

from conftest import MINIMAL, write_doc
from pipeline.commands import live
from pipeline.house import style as house


@pytest.fixture
def server(tmp_path):
    source = write_doc(tmp_path / "doc", MINIMAL)
    (source.parent / "chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg">'
                                              '<script>alert(1)</script></svg>')
    preview = live.Preview(source, tmp_path / "out", house.locate())
    thread = threading.Thread(target=preview.server.serve_forever, daemon=True)
    thread.start()
    yield preview
    preview.stop.set()
    preview.server.shutdown()
    preview.server.server_close()


def get(port: int, path: str, host: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    connection.endheaders()
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


@pytest.mark.parametrize("host, status", [
    ("127.0.0.1:{port}", 200), ("localhost:{port}", 200), ("[::1]:{port}", 200),
    ("attacker.example:{port}", 403), ("127.0.0.1.nip.io:{port}", 403), ("localhost:1", 403),
])
def test_only_this_machines_names_are_answered(server, host, status):
    assert get(server.port, "/", host.format(port=server.port))[0] == status


def test_images_come_with_a_policy_that_runs_no_script(server):
    status, headers, _ = get(server.port, "/chart.svg")
    assert status == 200 and headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "sandbox" in headers["Content-Security-Policy"]


def test_an_image_is_served_through_the_checked_opener(server, tmp_path):
    """A symbolic link to a file elsewhere is not followed; a FIFO is never opened for a read
    that would wait forever."""
    (tmp_path / "secret.png").write_bytes(b"SECRET")
    os.symlink(tmp_path / "secret.png", server.source.parent / "link.png")
    os.mkfifo(server.source.parent / "pipe.png")
    assert get(server.port, "/link.png")[0] == 404
    assert get(server.port, "/pipe.png")[0] == 404
    assert get(server.port, "/../secret.png")[0] == 404


def test_a_nul_in_the_address_is_not_found(server):
    assert get(server.port, "/chart%00.svg")[0] == 404


def test_a_newline_in_an_error_cannot_forge_an_event(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/events")
    stream = connection.getresponse()
    assert stream.readline() == b": still here\n"  # listening, from now on
    stream.readline()
    server.publish("failed", "en.md:3: error: bad\n\nevent: page\ndata: x")
    event = []
    while (line := stream.readline().decode().rstrip("\n")) or not event:
        if line and not line.startswith(":"):
            event.append(line)
    assert event == ["event: failed", "data: en.md:3: error: bad", "data: ", "data: event: page",
                     "data: data: x"]
    connection.close()


def test_a_port_in_use_is_a_clear_error(tmp_path, capsys):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    source = write_doc(tmp_path / "doc", MINIMAL)
    try:
        port = taken.getsockname()[1]
        assert live.preview(source, tmp_path / "out", port, house.locate()) == 1
    finally:
        taken.close()
    assert f"cannot serve on 127.0.0.1:{port}" in capsys.readouterr().err
    assert live.preview(source, tmp_path / "out", 70000, house.locate()) == 1
