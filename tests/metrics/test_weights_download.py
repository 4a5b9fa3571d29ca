"""The weights download against a stand-in file served by ``http.server`` on 127.0.0.1 (a thread
in the test; never a remote host): success, a connection closed early (resumed with an HTTP
Range request, or detected and left for the next run), a corrupt file (detected, removed,
reported), and the offline error that says how to provide the file."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.cli.main import main
from bench.metrics.weights import DownloadError, WeightsFile, fetch_file, weights_dir

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB stand-in
SHA = hashlib.sha256(PAYLOAD).hexdigest()


class Handler(BaseHTTPRequestHandler):
    mode = "ok"  # ok | truncate_once | truncate_always | corrupt
    requests: list = []

    def log_message(self, *args):  # keep the test output quiet
        pass

    def do_GET(self):
        start = 0
        if self.headers.get("Range"):
            start = int(self.headers["Range"].split("=")[1].rstrip("-"))
        Handler.requests.append(start)
        body = PAYLOAD if Handler.mode != "corrupt" else PAYLOAD[:-1] + b"\x00"
        self.send_response(206 if start else 200)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        rest = body[start:]
        cut = Handler.mode == "truncate_always" or (Handler.mode == "truncate_once" and len(Handler.requests) == 1)
        self.wfile.write(rest[: len(rest) // 3] if cut else rest)
        if cut:
            self.close_connection = True


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.requests = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}/stand-in.bin"
    httpd.shutdown()
    httpd.server_close()


ENTRY = WeightsFile("stand-in.bin", "http://127.0.0.1:9/unused", "test stand-in", size=len(PAYLOAD), sha256=SHA)


def test_download_lands_atomically_with_size_and_sha_checked(server, tmp_path):
    Handler.mode = "ok"
    path = fetch_file(ENTRY, url=server, cache_dir=tmp_path)
    assert path == weights_dir(tmp_path) / "stand-in.bin" and path.read_bytes() == PAYLOAD
    assert sorted(p.name for p in path.parent.iterdir()) == ["stand-in.bin"]  # no .part left
    assert fetch_file(ENTRY, url=server, cache_dir=tmp_path) == path and len(Handler.requests) == 1  # cached


def test_connection_closed_early_is_resumed_with_a_range_request(server, tmp_path):
    Handler.mode = "truncate_once"
    path = fetch_file(ENTRY, url=server, cache_dir=tmp_path)
    assert path.read_bytes() == PAYLOAD
    assert Handler.requests[0] == 0 and Handler.requests[1] == len(PAYLOAD) // 3  # resumed, not restarted


def test_truncated_download_is_detected_and_resumable(server, tmp_path):
    Handler.mode = "truncate_always"
    with pytest.raises(DownloadError, match=r"of 1048576 bytes .* run `bench weights fetch` again to resume"):
        fetch_file(ENTRY, url=server, cache_dir=tmp_path, attempts=1)
    assert not (weights_dir(tmp_path) / "stand-in.bin").exists()  # nothing under the final name
    Handler.mode = "ok"
    assert fetch_file(ENTRY, url=server, cache_dir=tmp_path).read_bytes() == PAYLOAD
    assert Handler.requests[-1] > 0  # the second run continued the partial file


def test_corrupt_download_is_detected_removed_and_reported(server, tmp_path, capsys):
    Handler.mode = "corrupt"
    with pytest.raises(DownloadError, match="corrupt download .* SHA-256 .* the file was removed"):
        fetch_file(ENTRY, url=server, cache_dir=tmp_path)
    assert list(weights_dir(tmp_path).iterdir()) == []
    # the command line says the same and exits 2 (the registered entry with a --sha256 given)
    code = main(["weights", "fetch", "--url", server, "--sha256", SHA, "--cache-dir", str(tmp_path)])
    assert code == 2 and "corrupt download" in capsys.readouterr().err
    assert list(weights_dir(tmp_path).iterdir()) == []


def test_unreachable_server_says_how_to_provide_the_file(tmp_path):
    with pytest.raises(DownloadError, match=r"cannot reach .* copy it to .*stand-in.bin .*inception_path"):
        fetch_file(ENTRY, url="http://127.0.0.1:9/stand-in.bin", cache_dir=tmp_path, timeout=5)
