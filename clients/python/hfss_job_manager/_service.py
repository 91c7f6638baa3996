"""Finding and starting the service process (``node dist/main.js``) for :class:`JobManagerHandler`."""

import os
import shutil
import signal
import socket
import subprocess  # nosec B404: argument lists only, never a shell
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence

from .errors import ServiceUnavailableError

# clients/python/hfss_job_manager/_service.py -> the repository root, when the package is used from a checkout.
_REPO_MAIN = Path(__file__).resolve().parents[3] / "dist" / "main.js"


def service_command(explicit: Optional[Sequence[str]] = None, environ: Mapping[str, str] = os.environ) -> List[str]:
    """The command that starts the service: an explicit one, ``HFSS_JM_SERVICE_MAIN``, this checkout's
    ``dist/main.js``, or the npm package's ``hfss-job-manager serve`` on PATH."""
    if explicit:
        return list(explicit)
    search_path = environ.get("PATH")
    node = environ.get("HFSS_JM_NODE") or shutil.which("node", path=search_path) or "node"
    main = environ.get("HFSS_JM_SERVICE_MAIN")
    if main:
        return [node, main]
    if _REPO_MAIN.is_file():
        return [node, str(_REPO_MAIN)]
    installed = shutil.which("hfss-job-manager", path=search_path)
    if installed:
        return [installed, "serve"]
    raise FileNotFoundError(
        "hfss-job-manager service not found: build this repository (npm run build), install the npm package "
        "(npm install -g hfss-job-manager), or set HFSS_JM_SERVICE_MAIN to its dist/main.js"
    )


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host if host not in ("", "0.0.0.0") else "127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_in_use(host: str, port: int) -> bool:
    """Whether something already accepts connections on ``host:port`` (its /health would be mistaken for ours)."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class ServiceProcess:
    """The service as a child process; its output goes to a log file (``log_path``)."""

    def __init__(self, command: Sequence[str], env: Dict[str, str]) -> None:
        self._log = tempfile.NamedTemporaryFile(prefix="hfss-job-manager-", suffix=".log", delete=False)
        self.log_path = self._log.name
        self.process = subprocess.Popen(  # nosec B603
            list(command), env=env, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT
        )

    def output(self, limit: int = 4000) -> str:
        try:
            return Path(self.log_path).read_text(encoding="utf-8", errors="replace")[-limit:]
        except OSError:
            return ""

    def wait_until_healthy(self, is_healthy: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not (is_healthy() and self.process.poll() is None):
            code = self.process.poll()
            if code is not None:
                raise RuntimeError(f"Job-Manager service exited with code {code} during start:\n{self.output()}")
            if time.monotonic() > deadline:
                self.stop(grace=5)
                raise RuntimeError(f"Job-Manager service failed to start within {timeout:g} s:\n{self.output()}")
            time.sleep(0.1)

    def stop(self, grace: float) -> Optional[int]:
        """SIGTERM (the service drains running solves), then SIGKILL after ``grace`` seconds."""
        if self.process.poll() is None:
            if os.name == "nt":
                self.process.terminate()
            else:
                self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode


def wait_for_attached(is_healthy: Callable[[], bool], url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not is_healthy():
        if time.monotonic() > deadline:
            raise ServiceUnavailableError(f"Job manager at {url} did not answer /health within {timeout:g} s")
        time.sleep(0.1)
