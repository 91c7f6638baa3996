"""The Python snippets of PyEDB's job-manager documentation, run as written with only the import line changed.

The snippet texts below are copied verbatim from the document. The later snippets continue the first one's
session (they use ``edb``, and the third ``SchedulerOptions``, without importing them), so they run after the
first snippet's import lines and ``edb = ...`` line, plus an import of ``SchedulerOptions`` for the third.

``from pyedb import Edb`` is left as written: this package does not need PyEDB (``edb`` is optional), and the
tests put a small stand-in ``pyedb`` on ``PYTHONPATH`` (tests/stubs) whose ``Edb.base_path`` is the fake solver's
directory; with the real PyEDB installed the same line gives the real ``Edb``. The snippets attach to the test
service through ``HFSS_JM_URL`` (and ``HFSS_JM_API_TOKEN``), because ``port=8080`` may be taken on a shared machine.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator

import pytest

from hfss_job_manager import SchedulerFailureError

from conftest import FAKE_ANSYSEDT, HERE, PACKAGE_ROOT, TOKEN, require_slurm, write_project

ORIGINAL_IMPORT = "from pyedb.workflows.job_manager import JobManagerHandler"
NEW_IMPORT = "from hfss_job_manager import JobManagerHandler"

QUICK_START = '''\
from pyedb import Edb
from pyedb.workflows.job_manager import JobManagerHandler

edb = Edb("my_board.aedb")
handler = JobManagerHandler(edb, host="0.0.0.0", port=8080)
handler.start_service()  # returns immediately

cfg = handler.create_simulation_config(
    project_path="/ansys/antenna.aedt", scheduler_type="slurm", jobid="demo_001"
)

job_ids = handler.submit_jobs_and_wait([cfg], timeout=3600)
print("Finished", job_ids)
'''

BATCH = '''\
handler = JobManagerHandler(edb, host="0.0.0.0", port=8080)
handler.start_service()

cfg1 = handler.create_simulation_config(
    project_path="antenna.aedt", jobid="antenna_001"
)
cfg2 = handler.create_simulation_config(project_path="patch.aedt", jobid="patch_001")

job_ids = handler.submit_jobs_and_wait([cfg1, cfg2], timeout=3600)
print("Batch completed", job_ids)
'''

CLUSTER = '''\
handler = JobManagerHandler(edb, host="0.0.0.0", port=8080)
handler.start_service()

cfg = handler.create_simulation_config(
    project_path="antenna.aedt",
    jobid="antenna_001",
    scheduler_type="slurm",
    scheduler_options=SchedulerOptions(nodes=4, memory="32GB"),
)

job_id = handler.submit_jobs([cfg])[0]
print("Job submitted to SLURM", job_id)
'''

SESSION_LINES = '''\
from pyedb import Edb
from hfss_job_manager import JobManagerHandler

edb = Edb("my_board.aedb")
'''


def with_new_import(snippet: str) -> str:
    assert snippet.count(ORIGINAL_IMPORT) == 1
    return snippet.replace(ORIGINAL_IMPORT, NEW_IMPORT)


def run_snippet(code: str, cwd: Path, url: str) -> "subprocess.CompletedProcess[str]":
    env: Dict[str, str] = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([str(PACKAGE_ROOT), str(HERE / "stubs")]),
            "PYEDB_STUB_ANSYS_DIR": str(FAKE_ANSYSEDT.parent),
            "HFSS_JM_URL": url,
            "HFSS_JM_API_TOKEN": TOKEN,
        }
    )
    return subprocess.run([sys.executable, "-c", code], cwd=str(cwd), env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def ansys_antenna() -> Iterator[Path]:
    """The quick start's absolute /ansys/antenna.aedt, created for the test; what the test created is removed."""
    path = Path("/ansys/antenna.aedt")
    created_dir = not path.parent.exists()
    created_file = not path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if created_file:
            path.write_text(json.dumps({"duration_ms": 300}), encoding="utf-8")
    except PermissionError:
        pytest.skip("the quick start's /ansys/antenna.aedt cannot be created without root (CI runs as root)")
    yield path
    if created_dir:
        shutil.rmtree(path.parent)
    elif created_file:
        path.unlink()
        Path(f"{path}.runs").unlink(missing_ok=True)  # the fake solver's record of its runs


def test_quick_start_runs_with_only_the_import_changed(service, ansys_antenna: Path, tmp_path: Path) -> None:
    require_slurm()
    result = run_snippet(with_new_import(QUICK_START), tmp_path, service.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Finished ['demo_001']"
    job = service.get_job("demo_001")
    assert job["status"] == "completed"
    assert job["scheduler_type"] == "slurm"
    assert job["config"]["ansys_edt_path"] == str(FAKE_ANSYSEDT)  # from edb.base_path


def test_batch_snippet_runs_both_jobs_to_completion(service, tmp_path: Path) -> None:
    write_project(tmp_path, "antenna.aedt", duration_ms=300)
    write_project(tmp_path, "patch.aedt", duration_ms=300)
    result = run_snippet(SESSION_LINES + BATCH, tmp_path, service.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Batch completed ['antenna_001', 'patch_001']"
    for job_id, name in (("antenna_001", "antenna.aedt"), ("patch_001", "patch.aedt")):
        job = service.get_job(job_id)
        assert job["status"] == "completed"
        assert job["project_path"] == str(tmp_path / name)


def test_cluster_snippet_reaches_slurm_and_raises_its_refusal_as_runtime_error(own_service, tmp_path: Path) -> None:
    """The snippet asks for 4 nodes; the CI cluster has one, so sbatch refuses and the document's contract applies:
    scheduler submission failures raise RuntimeError (HTTP 502), carrying the scheduler's own message."""
    require_slurm()
    write_project(tmp_path, "antenna.aedt")
    result = run_snippet(SESSION_LINES + "from hfss_job_manager import SchedulerOptions\n" + CLUSTER, tmp_path, own_service.url)
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("hfss_job_manager.errors.SchedulerFailureError: "), result.stderr
    assert "Node count specification invalid" in last_line or "node configuration is not available" in last_line
    assert issubclass(SchedulerFailureError, RuntimeError)
