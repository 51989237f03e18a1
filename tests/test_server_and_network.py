"""Server mode (a real `chroma run` on loopback) and the zero-network guarantee."""

import os
import subprocess
import sys
import textwrap

import pytest

from rag.api import Engine

from .conftest import ROOT, SEEDS, free_port, serve, venv_bin


@pytest.fixture
def chroma_server(tmp_path):
    port = free_port()
    cmd = [venv_bin("chroma"), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)]
    with serve(cmd, port, 90, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"}):
        yield f"http://127.0.0.1:{port}"


def test_server_mode_ingest_and_ask(settings, chroma_server):
    server = settings.replace(chroma_url=chroma_server, collection="server-test")
    with Engine(server, writer=True) as engine:
        report = engine.ingest(SEEDS)
        assert report.files_read == 5 and report.chunks_total > 40
        assert engine.ingest(SEEDS).files_unchanged == 5
        a = engine.ask("How many prisoners were released in December?")
        assert a.answered and "123" in a.text
        assert engine.store.lock is None  # the server serialises writers; no file lock
    assert not (settings.store.dir / "chroma.sqlite3").exists()  # nothing written to the embedded folder


def test_unreachable_server_is_a_clear_error(settings):
    from rag.errors import BackendError

    with pytest.raises(BackendError, match="cannot reach the Chroma server"):
        Engine(settings.replace(chroma_url=f"http://127.0.0.1:{free_port()}")).store


GUARD = textwrap.dedent('''
    import socket, sys
    allowed = {"127.0.0.1", "::1", "localhost"}
    blocked = []
    real_connect = socket.socket.connect
    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in allowed and not host.startswith("/"):
            blocked.append(host)
            raise OSError(f"network blocked by test: {host}")
        return real_connect(self, address)
    socket.socket.connect = guarded
    real_getaddrinfo = socket.getaddrinfo
    def guarded_getaddrinfo(host, *a, **k):
        if host not in allowed and host is not None:
            blocked.append(host)
            raise OSError(f"DNS blocked by test: {host}")
        return real_getaddrinfo(host, *a, **k)
    socket.getaddrinfo = guarded_getaddrinfo
    from rag.api import Engine
    from rag.settings import Settings
    s = Settings.load(store_dir=sys.argv[1], corpus_dir=sys.argv[2], show_progress=False)
    with Engine(s, writer=True) as e:
        e.ingest()
        a = e.ask("How many prisoners were released in December?")
    assert a.answered, a
    print("BLOCKED", blocked)
''')


@pytest.mark.slow
def test_ingest_and_ask_make_no_network_connections(tmp_path):
    script = tmp_path / "guard.py"
    script.write_text(GUARD)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "ANONYMIZED"))}
    out = subprocess.run([sys.executable, str(script), str(tmp_path / "store"), str(SEEDS)], capture_output=True, text=True,
                         env=env, cwd=str(ROOT), timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "BLOCKED []" in out.stdout, out.stdout
