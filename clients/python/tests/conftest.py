"""Runs the Python client against the real service: ``node dist/main.js`` (build it first: ``npx nest build``)
with the fake solver ``test/fakes/bin/ansysedt``, started through the package's own ``start_service()``."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

HERE = Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parent
REPO = HERE.parents[2]
FAKE_ANSYSEDT = REPO / "test" / "fakes" / "bin" / "ansysedt"
BUILT_MAIN = REPO / "dist" / "main.js"
TOKEN = "python-client-test-token-0123456789"

sys.path.insert(0, str(PACKAGE_ROOT))

from hfss_job_manager import JobManagerHandler  # noqa: E402


def fake_service_env(tmp: Path) -> Dict[str, str]:
    """The service's settings for tests: the fake solver, a host that always has room, short intervals."""
    return {
        "HFSS_JM_ANSYSEDT_PATH": str(FAKE_ANSYSEDT),
        "HFSS_JM_TEMP_DIR": str(tmp / "solver-tmp"),
        "HFSS_JM_MAX_CPU_PERCENT": "100",
        "HFSS_JM_MIN_FREE_MEMORY_MB": "0",
        "HFSS_JM_MIN_FREE_DISK_MB": "0",
        "HFSS_JM_TELEMETRY_INTERVAL_MS": "500",
        "HFSS_JM_LOCAL_POLL_INTERVAL_MS": "200",
        "HFSS_JM_SCHEDULER_POLL_INTERVAL_MS": "400",
        "HFSS_JM_KILL_GRACE_MS": "1000",
        "HFSS_JM_DRAIN_TIMEOUT_MS": "2000",
        "HFSS_JM_SWAGGER": "false",
        "HFSS_JM_LOG_LEVEL": "warn",
    }


def start_test_service(tmp: Path) -> JobManagerHandler:
    """The service with a bearer token on a free loopback port, started by the package's own start_service()."""
    if not BUILT_MAIN.is_file():
        pytest.fail(f"{BUILT_MAIN} is missing: run `npx nest build` (npm test does) before the Python tests")
    handler = JobManagerHandler(host="127.0.0.1", port=0, token=TOKEN, data_dir=str(tmp / "data"), env=fake_service_env(tmp))
    handler.start_service()
    return handler


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JobManagerHandler]:
    """One service shared by the session's tests."""
    handler = start_test_service(tmp_path_factory.mktemp("service"))
    yield handler
    handler.close()


@pytest.fixture
def own_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JobManagerHandler]:
    """A service of the test's own, for snippets that reuse another snippet's jobids."""
    handler = start_test_service(tmp_path_factory.mktemp("own-service"))
    yield handler
    handler.close()


def write_project(directory: Path, name: str, **behaviour: Any) -> Path:
    """A project file whose JSON content steers the fake solver (duration_ms, exit_code, ...)."""
    path = directory / name
    path.write_text(json.dumps({"duration_ms": 200, **behaviour}), encoding="utf-8")
    return path


def slurm_is_up() -> bool:
    if not shutil.which("sinfo"):
        return False
    result = subprocess.run(["sinfo", "-h", "-o", "%t"], capture_output=True, text=True, check=False)
    return any(state in result.stdout for state in ("idle", "mix", "alloc"))


def require_slurm() -> None:
    """Skip without a SLURM cluster, except under CI, where .ci/run provides one and its absence is a failure."""
    if slurm_is_up():
        return
    if os.environ.get("CI"):
        pytest.fail("SLURM is not running: .ci/run calls scripts/ci/slurm-up.sh (as root)")
    pytest.skip("needs a running SLURM cluster (scripts/ci/slurm-up.sh, as root)")
