"""Run the app with uvicorn: in the foreground (serve, demo) or in a thread
(tests, the desktop app's run-demo)."""
from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP so asyncio sets TCP_NODELAY on accepted connections
    # (with proto 0 it does not, and every reply waits ~40 ms for a delayed ACK).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _config(app: FastAPI, sock: socket.socket, log_level: str) -> uvicorn.Config:
    host, port = sock.getsockname()[:2]
    # proxy_headers off: uvicorn would take X-Forwarded-For from 127.0.0.1 as
    # the client; deps.client_address believes it only from configured proxies.
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                          timeout_keep_alive=30, backlog=2048, proxy_headers=False)


def serve_forever(app: FastAPI, host: str, port: int, *, log_level: str = "info", banner="",
                  workers: int = 1) -> None:
    """workers > 1: that many processes share the socket (uvicorn's
    supervisor restarts one that dies); each builds its app from the
    settings passed in the environment (app.app_from_env)."""
    sock = bind(host, port)
    print(f"Field Sampler server listening on {url_of(sock)}"
          + (f" ({workers} worker processes)" if workers > 1 else ""), flush=True)
    if banner:
        print(banner(url_of(sock)) if callable(banner) else banner, flush=True)
    if workers <= 1:
        uvicorn.Server(_config(app, sock, log_level)).run(sockets=[sock])
        return
    from uvicorn.supervisors import Multiprocess

    from sync.server.app import SETTINGS_ENV, settings_to_env
    os.environ[SETTINGS_ENV] = settings_to_env(app.state.settings)
    app.state.db.close()                  # the workers open their own connections
    host_, port_ = sock.getsockname()[:2]
    config = uvicorn.Config("sync.server.app:app_from_env", factory=True, host=host_, port=port_,
                            workers=workers, log_level=log_level, access_log=False, timeout_keep_alive=30,
                            backlog=2048, proxy_headers=False)
    Multiprocess(config, sockets=[sock]).run()


@dataclass
class RunningServer:
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_in_thread(app: FastAPI, host: str = "127.0.0.1", port: int = 0, *,
                    log_level: str = "warning") -> RunningServer:
    sock = bind(host, port)
    server = uvicorn.Server(_config(app, sock, log_level))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="field-sampler-server")
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("server did not start")
        time.sleep(0.01)
    return RunningServer(url=url_of(sock), server=server, thread=thread)
