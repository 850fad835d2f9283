"""Real servers for the SDK tests: the packaged widget-edge jar (dev, or admin on a real
redis-server), a port that accepts and never answers, and a scripted HTTP server. Every one
listens on loopback on a port the OS picked, and is stopped by close()."""

from __future__ import annotations

import http.server
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

REPOSITORY = Path(__file__).resolve().parents[3]
START_TIMEOUT = 60.0


def jar_path() -> str:
    """The packaged jar: $WIDGET_EDGE_JAR, else app/target/widget-edge.jar of this repository."""
    jar = os.environ.get("WIDGET_EDGE_JAR") or str(REPOSITORY / "app" / "target" / "widget-edge.jar")
    if not os.path.exists(jar):
        raise RuntimeError(f"{jar} is missing: build it first (./mvnw -q package -DskipTests)")
    return jar


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else "java"


def random_token(prefix: str = "sdk-test-") -> str:
    return prefix + secrets.token_urlsafe(24)


class _Process:
    """A child process whose output is collected, and which can be waited on for a line pattern."""

    def __init__(self, command: Sequence[str]) -> None:
        self.command = list(command)
        self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
        self.output: Dict[str, List[str]] = {"stdout": [], "stderr": []}
        self._changed = threading.Condition()
        self._readers = [threading.Thread(target=self._read, args=(name,), daemon=True) for name in self.output]
        for reader in self._readers:
            reader.start()

    def _read(self, name: str) -> None:
        stream = getattr(self.process, name)
        for line in stream:
            with self._changed:
                self.output[name].append(line)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def await_match(self, stream: str, pattern: str) -> "re.Match[str]":
        compiled = re.compile(pattern)
        deadline = time.monotonic() + START_TIMEOUT
        with self._changed:
            while True:
                for line in self.output[stream]:
                    match = compiled.search(line)
                    if match:
                        return match
                remaining = deadline - time.monotonic()
                if self.process.poll() is not None or remaining <= 0:
                    self.kill()
                    raise RuntimeError(f"{' '.join(self.command)} did not start "
                                       f"(exit {self.process.poll()}):\nstdout: {''.join(self.output['stdout'])}"
                                       f"\nstderr: {''.join(self.output['stderr'])}")
                self._changed.wait(min(remaining, 0.5))

    def signal(self, signum: int) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signum)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for reader in self._readers:
            reader.join(timeout=5)


class DevServer:
    """``widget-edge dev`` on free ports, with a known admin token bound to one account."""

    def __init__(self, account: str = "acct_sdk_py") -> None:
        self.token = random_token()
        self.account = account
        self._process = _Process([_java(), "-jar", jar_path(), "dev", "--port", "0", "--admin-port", "0",
                                  "--ops-port", "0", "--admin-token", self.token, "--account", account, "--no-demo"])
        match = self._process.await_match("stdout", r"admin API\s+(http://\S+)/api/v1/widget-keys")
        self.base_url = match.group(1)

    def close(self) -> None:
        self._process.stop()


class RedisServer:
    """A real redis-server on a free loopback port; pause() stops the process (SIGSTOP), resume() continues it."""

    def __init__(self) -> None:
        self._dir = tempfile.mkdtemp(prefix="widget-edge-sdk-redis-")
        for attempt in range(4):
            port = free_port()
            self._process = _Process(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", self._dir])
            try:
                self._process.await_match("stdout", r"Ready to accept connections")
                self.uri = f"redis://127.0.0.1:{port}"
                return
            except RuntimeError:
                # Another process took the port between free_port() and redis-server's bind.
                if attempt == 3:
                    raise

    def pause(self) -> None:
        self._process.signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._process.signal(signal.SIGCONT)

    def close(self) -> None:
        self._process.stop()
        shutil.rmtree(self._dir, ignore_errors=True)


def create_token(redis_uri: str, accounts: Sequence[str]) -> str:
    """``widget-edge tokens create`` for these accounts; returns the token."""
    command = [_java(), "-jar", jar_path(), "tokens", "create", "--redis", redis_uri, "--name", "sdk-test"]
    for account in accounts:
        command += ["--account", account]
    run = subprocess.run(command, capture_output=True, text=True, timeout=START_TIMEOUT)
    if run.returncode != 0:
        raise RuntimeError(f"tokens create failed ({run.returncode}): {run.stderr}")
    return run.stdout.strip()


class AdminServer:
    """``widget-edge admin`` on a free port over the given Redis."""

    def __init__(self, redis_uri: str, store_timeout: str = "500ms") -> None:
        self._process = _Process([_java(), "-jar", jar_path(), "admin", "--redis", redis_uri, "--host", "127.0.0.1",
                                  "--port", "0", "--ops-port", "0", "--store-timeout", store_timeout])
        match = self._process.await_match("stderr", r"admin API listening on \S+:(\d+)")
        self.base_url = f"http://127.0.0.1:{match.group(1)}"

    def close(self) -> None:
        self._process.stop()


class SilentServer:
    """A port that accepts connections and never answers; counts the connections."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._accepted: List[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._accepted.append(connection)

    def connections(self) -> int:
        with self._lock:
            return len(self._accepted)

    def close(self) -> None:
        try:
            # Wakes the accepting thread up (close() alone does not interrupt a blocked accept()).
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        with self._lock:
            for connection in self._accepted:
                connection.close()
        self._thread.join(timeout=5)


class Step:
    """One scripted response."""

    def __init__(self, status: int, body: str = "", content_type: str = "text/plain; charset=utf-8",
                 headers: Optional[Dict[str, str]] = None) -> None:
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}


class Recorded:
    """One request the scripted server received."""

    def __init__(self, method: str, path: str, headers: Dict[str, str], body: str) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.at = time.monotonic()


class ScriptedServer:
    """An HTTP server that answers with ``script``, one response per request in order (the last
    one repeats), and records every request it received."""

    def __init__(self, *script: Step) -> None:
        self.requests: List[Recorded] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                server.requests.append(Recorded(self.command, self.path,
                                                {name.lower(): value for name, value in self.headers.items()}, body))
                step = script[min(len(server.requests), len(script)) - 1]
                payload = step.body.encode("utf-8")
                self.send_response(step.status)
                self.send_header("Content-Type", step.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in step.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_DELETE = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def free_port() -> int:
    """A loopback port that nothing listens on (it was free a moment ago)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]
