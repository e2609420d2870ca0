"""External SPARQL servers for tests: the `oxigraph` package's server and Debian's Virtuoso, started on
127.0.0.1 in a temporary directory and stopped afterwards (recipes from ENGINES.md)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import requests

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@contextmanager
def oxigraph_server(directory: Path):
    exe = shutil.which("oxigraph")
    if exe is None:
        raise FileNotFoundError("the oxigraph server (pip package 'oxigraph') is not installed")
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D")
        yield f"oxigraph+http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def virtuoso_available() -> bool:
    return shutil.which("virtuoso-t") is not None and VIRTUOSO_INI.exists()


@contextmanager
def virtuoso_server(directory: Path):
    """Virtuoso with its SQL and HTTP ports moved to free ones, database files in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = VIRTUOSO_INI.read_text(encoding="utf-8", errors="replace")
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db/", str(directory) + "/")
    ini = ini.replace("ServerPort                      = 1111", f"ServerPort = {sql_port}")
    ini = ini.replace("ServerPort                      = 8890", f"ServerPort = {http_port}")
    lines = []
    section = ""
    for line in ini.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        if stripped.replace(" ", "").startswith("ServerPort="):
            line = f"ServerPort = {sql_port if section == '[Parameters]' else http_port}"
        lines.append(line)
    (directory / "virtuoso.ini").write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = subprocess.Popen(["virtuoso-t", "+configfile", str(directory / "virtuoso.ini"), "+foreground"],
                            cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(f"http://127.0.0.1:{http_port}/sparql?query=ASK%7B%7D", timeout=90)
        yield f"virtuoso+http://dba:dba@127.0.0.1:{http_port}/"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.sync()
