"""waitress served safely without a proxy (docs/web.md, "Served safely"): 150 idle or slow
connections do not stop a new visitor from being served (waitress's own default, 100
connections, did); an idle connection is closed after --channel-timeout; a body over its
route's cap (60 MiB on the roster upload, 50 MiB allowed; 1 MiB on a form, 64 KiB allowed) is
answered 413 as soon as the headers are in, without reading it; a chunked body is cut as soon
as it passes the cap."""

import socket
import time

import pytest

from webtest import UAI, HttpClient, Server

CHANNEL_TIMEOUT = 5


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("limits"),
                     extra=["--channel-timeout", str(CHANNEL_TIMEOUT)])
    yield running
    running.stop()


def connect(server):
    return socket.create_connection(("127.0.0.1", server.port), timeout=30)


def test_150_idle_connections_do_not_stop_a_new_visitor(limited):
    idle = []
    try:
        for number in range(150):
            connection = connect(limited)
            if number % 2:  # half of them slow: a request line and no end of headers
                connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            idle.append(connection)
        time.sleep(0.5)
        began = time.monotonic()
        status, _, body = HttpClient(limited.url).request("/")
        assert status == 200 and "Saisir mon code" in body
        assert time.monotonic() - began < 5
    finally:
        for connection in idle:
            connection.close()


def test_an_idle_connection_is_closed_after_the_channel_timeout(limited):
    with connect(limited) as connection:
        began = time.monotonic()
        assert connection.recv(1) == b""  # closed by the server
        waited = time.monotonic() - began
    assert CHANNEL_TIMEOUT - 1 <= waited <= 3 * CHANNEL_TIMEOUT, waited


def post_headers(server, path, length):
    """A POST announcing ``length`` bytes, of which 64 KiB are sent: (status line, seconds to
    get it)."""
    with connect(server) as connection:
        began = time.monotonic()
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
            f"boundary=x\r\nContent-Length: {length}\r\n\r\n".encode("ascii"))
        try:
            connection.sendall(b"x" * 65536)
        except OSError:
            pass  # already answered and closed: that is the point
        answer = b""
        while b"\r\n" not in answer:
            chunk = connection.recv(4096)
            if not chunk:
                break
            answer += chunk
        return answer.split(b"\r\n", 1)[0].decode("ascii"), time.monotonic() - began


def test_a_60_mib_upload_is_refused_413_at_once(limited):
    status, seconds = post_headers(limited, f"/admin/e/{UAI}/import", 60 * 1024 * 1024)
    assert status == "HTTP/1.1 413 Request Entity Too Large", status
    assert seconds < 2, seconds  # answered without waiting for the 60 MiB


def test_a_form_over_64_kib_is_refused_413_at_once(limited):
    status, seconds = post_headers(limited, "/code", 1024 * 1024)
    assert status == "HTTP/1.1 413 Request Entity Too Large", status
    assert seconds < 2, seconds


def test_the_413_page_is_french_and_the_server_still_answers(limited):
    with connect(limited) as connection:
        connection.sendall(b"POST /connexion HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           b"Content-Length: 200000\r\n\r\n")
        answer = b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"413" in head.split(b"\r\n")[0]
    assert b"Content-Security-Policy" in head
    assert "Le formulaire dépasse 64 Kio." in body.decode("utf-8")
    assert HttpClient(limited.url).request("/connexion")[0] == 200


def test_a_chunked_body_is_cut_at_its_cap(limited):
    """No Content-Length to refuse up front: the body is cut as soon as it passes 64 KiB."""
    with connect(limited) as connection:
        connection.sendall(b"POST /code HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           b"Content-Type: application/x-www-form-urlencoded\r\n"
                           b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"4000\r\n" + b"c" * 0x4000 + b"\r\n"  # 16 KiB a chunk
        sent = 0
        try:
            while sent < 1024 * 1024:
                connection.sendall(chunk)
                sent += 0x4000
        except OSError:
            pass  # answered and closed: the rest is never read
        try:
            status = connection.recv(4096).split(b"\r\n", 1)[0]
        except ConnectionResetError:
            pytest.fail(f"reset without an answer after {sent} bytes")
    assert status == b"HTTP/1.1 413 Request Entity Too Large", status
