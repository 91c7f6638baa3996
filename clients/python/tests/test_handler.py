"""JobManagerHandler against the real service: submission, waiting, cancel, priority and the exception contract."""

import asyncio
import json
from datetime import datetime
from pathlib import Path

import pytest
import requests

from conftest import FAKE_ANSYSEDT, REPO, TOKEN, fake_service_env, write_project
from hfss_job_manager import (
    AuthenticationError,
    HFSSSimulationConfig,
    JobManagerHandler,
    JobNotFoundError,
    MachineNode,
    SchedulerOptions,
    SchedulerType,
)


def test_submit_jobs_and_wait_returns_the_ids_once_every_job_ended(service: JobManagerHandler, tmp_path: Path) -> None:
    ok = service.create_simulation_config(str(write_project(tmp_path, "ok.aedt")), jobid="py_ok", cpu_cores=2)
    bad = service.create_simulation_config(str(write_project(tmp_path, "bad.aedt", exit_code=3)), jobid="py_bad")
    assert service.submit_jobs_and_wait([ok, bad], timeout=60) == ["py_ok", "py_bad"]
    assert service.get_job("py_ok")["status"] == "completed"
    assert service.get_job("py_bad")["exit_code"] == 3
    assert service.get_job("py_ok")["command"][service.get_job("py_ok")["command"].index("-machinelist") + 1] == "list=localhost:2:2:90%"


def test_submit_batch_stores_a_sweep_in_one_request_and_answers_each_config_in_order(service: JobManagerHandler, tmp_path: Path) -> None:
    project = str(write_project(tmp_path, "sweep.aedt"))
    configs = [service.create_simulation_config(project, jobid=f"py_sweep_{i}", design_name=f"variant_{i}") for i in range(3)]
    missing = service.create_simulation_config(str(tmp_path / "missing.aedt"), jobid="py_sweep_missing")
    answer = service.submit_batch([*configs, missing, configs[0]])
    assert (answer["accepted"], answer["duplicates"], answer["rejected"]) == (3, 0, 2)
    results = answer["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3, 4]
    assert [r["status"] for r in results] == ["accepted", "accepted", "accepted", "rejected", "rejected"]
    assert results[3]["error"]["code"] == "FILE_NOT_FOUND"
    assert results[4]["error"]["code"] == "VALIDATION_FAILED"  # a jobid repeated within the batch
    assert all("job" not in r for r in results)
    assert service.get_job("py_sweep_1")["config"]["design_name"] == "variant_1"
    again = service.submit_batch(configs[:1], view="full")
    assert again["results"][0]["status"] == "duplicate"
    assert again["results"][0]["job"]["job_id"] == "py_sweep_0"
    with pytest.raises(ValueError):
        service.submit_batch([])


def test_create_simulation_config_validates_like_pyedb(service: JobManagerHandler) -> None:
    with pytest.raises(ValueError, match="Project path must be provided"):
        service.create_simulation_config("")
    with pytest.raises(ValueError, match=".aedt or .aedb"):
        service.create_simulation_config("/p/board.txt")
    with pytest.raises(ValueError, match="Job ID"):
        service.create_simulation_config("/p/a.aedt", jobid="no spaces")
    with pytest.raises(ValueError, match="device name"):
        service.create_simulation_config("/p/a.aedt", jobid="Con")
    with pytest.raises(ValueError, match="Utilization"):
        MachineNode(utilization=150)
    cfg = service.create_simulation_config("relative.aedt", user="alice")
    assert Path(cfg.project_path).is_absolute() and cfg.user == "alice" and cfg.scheduler_type is None


def test_service_validation_failures_raise_value_error(service: JobManagerHandler, tmp_path: Path) -> None:
    cfg = service.create_simulation_config(
        str(write_project(tmp_path, "v.aedt")), scheduler_type="slurm", scheduler_options=SchedulerOptions(queue="two words")
    )
    with pytest.raises(ValueError, match="queue must be a plain scheduler name") as raised:
        service.submit_jobs([cfg])
    assert raised.value.status == 400 and raised.value.code == "VALIDATION_FAILED"


def test_missing_project_raises_file_not_found_error(service: JobManagerHandler, tmp_path: Path) -> None:
    cfg = service.create_simulation_config(str(tmp_path / "absent.aedt"))
    with pytest.raises(FileNotFoundError, match="absent.aedt"):
        service.submit_jobs([cfg])


def test_scheduler_failure_raises_runtime_error(service: JobManagerHandler, tmp_path: Path) -> None:
    """No LSF on this machine: bsub cannot be run, which the service answers with 502."""
    cfg = service.create_simulation_config(str(write_project(tmp_path, "l.aedt")), scheduler_type=SchedulerType.LSF)
    with pytest.raises(RuntimeError) as raised:
        service.submit_jobs([cfg])
    assert raised.value.status == 502 and raised.value.code == "SCHEDULER_FAILURE"


def test_waiting_longer_than_timeout_raises_timeout_errors_and_cancel_ends_the_job(service: JobManagerHandler, tmp_path: Path) -> None:
    cfg = service.create_simulation_config(str(write_project(tmp_path, "slow.aedt", duration_ms=60_000)), jobid="py_slow")
    with pytest.raises(asyncio.TimeoutError) as raised:
        service.submit_jobs_and_wait([cfg], timeout=1.5)
    assert isinstance(raised.value, TimeoutError)
    assert service.cancel_job("py_slow")["status"] == "cancelled"
    assert service.cancel_job("py_slow")["status"] == "cancelled"  # idempotent


def test_a_job_exceeding_its_own_timeout_raises_timeout_error(service: JobManagerHandler, tmp_path: Path) -> None:
    cfg = service.create_simulation_config(str(write_project(tmp_path, "t.aedt", duration_ms=60_000)), jobid="py_timed_out", timeout=1)
    with pytest.raises(TimeoutError, match="py_timed_out"):
        service.submit_jobs_and_wait([cfg], timeout=60)
    assert service.get_job("py_timed_out")["status"] == "timed_out"


def test_set_priority_requeues_a_queued_job(service: JobManagerHandler, tmp_path: Path) -> None:
    blockers = [
        service.create_simulation_config(str(write_project(tmp_path, f"b{i}.aedt", duration_ms=60_000)), jobid=f"py_block_{i}")
        for i in range(2)
    ]
    waiting = service.create_simulation_config(str(write_project(tmp_path, "w.aedt")), jobid="py_waiting")
    ids = service.submit_jobs([*blockers, waiting])
    try:
        assert service.get_job("py_waiting")["status"] == "queued"
        assert service.set_priority("py_waiting", 9)["priority"] == 9
        assert service.get_job("py_waiting")["priority"] == 9
    finally:
        # The waiting job first: cancelling a blocker first frees its slot, and the short waiting job can start and
        # finish before its own cancel arrives (then 409, it already ended).
        for job_id in reversed(ids):
            service.cancel_job(job_id)
    with pytest.raises(JobNotFoundError):
        service.cancel_job("py_never_submitted")


def test_requests_without_the_token_raise_permission_error(service: JobManagerHandler) -> None:
    stranger = JobManagerHandler(url=service.url, token="wrong-token-0123456789")
    stranger.start_service()  # /health needs no token
    with pytest.raises(PermissionError) as raised:
        stranger.get_jobs()
    assert isinstance(raised.value, AuthenticationError)


def test_pyedb_client_body_and_wait_loop_work_unchanged(service: JobManagerHandler, tmp_path: Path) -> None:
    """What submit_local_job.py posts, and the /api/jobs loop of PyEDB's wait_until_done, with requests."""
    body = json.loads((REPO / "test" / "fixtures" / "pyedb" / "submit_local_job.json").read_text(encoding="utf-8"))
    body["config"]["project_path"] = str(write_project(tmp_path, "antenna.aedt"))
    body["config"]["ansys_edt_path"] = str(FAKE_ANSYSEDT)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    reply = requests.post(f"{service.url}/jobs/submit", json=body, headers=headers, timeout=30)
    assert 200 <= reply.status_code < 300
    job_id = reply.json()["job_id"]
    assert reply.json()["success"] is True and reply.json()["message"] == f"Job {job_id} submitted successfully"
    service.wait_for_job(job_id, timeout=30)
    jobs = requests.get(f"{service.url}/api/jobs", headers=headers, timeout=30).json()
    job = next(j for j in jobs if j["id"] == job_id)
    assert job["status"] in {"completed", "failed", "cancelled"} and job["return_code"] == 0
    assert datetime.fromisoformat(job["start_time"]) <= datetime.fromisoformat(job["end_time"])


def test_start_service_raises_runtime_error_when_the_port_is_taken(service: JobManagerHandler, tmp_path: Path) -> None:
    port = int(service.url.rsplit(":", 1)[1])
    second = JobManagerHandler(host="127.0.0.1", port=port, data_dir=str(tmp_path / "d"), env=fake_service_env(tmp_path), start_timeout=20)
    with pytest.raises(RuntimeError, match="EADDRINUSE"):
        second.start_service()
    assert not second.started


def test_start_on_any_address_without_token_makes_one_and_close_stops_the_service(tmp_path: Path) -> None:
    handler = JobManagerHandler(host="0.0.0.0", port=0, data_dir=str(tmp_path / "d"), env=fake_service_env(tmp_path))
    handler.start_service()
    try:
        assert handler.token and len(handler.token) >= 32
        assert requests.get(f"{handler.url}/jobs", timeout=10).status_code == 401
        assert handler.get_jobs() == []
        cfg = HFSSSimulationConfig(project_path=str(write_project(tmp_path, "x.aedt")), jobid="py_any")
        assert handler.submit_jobs_and_wait([cfg], timeout=60) == ["py_any"]
    finally:
        handler.close()
    assert handler._process is None and not handler.started
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{handler.url}/health", timeout=5)
    handler.close()  # idempotent, as atexit calls it again

