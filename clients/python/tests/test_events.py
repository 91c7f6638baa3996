"""Live events through python-socketio (Debian's python3-socketio), with the bearer token."""

import os
from pathlib import Path

import pytest

from conftest import write_project
from hfss_job_manager import JobManagerHandler
from hfss_job_manager.events import JobEventStream

try:
    import socketio
except ImportError:  # optional for the package; .ci/run installs python3-socketio, so CI must not skip
    if os.environ.get("CI"):
        raise
    pytest.skip("needs python-socketio (apt install python3-socketio)", allow_module_level=True)


def test_the_documented_events_arrive_with_job_id_in_order(service: JobManagerHandler, tmp_path: Path) -> None:
    cfg = service.create_simulation_config(str(write_project(tmp_path, "ev.aedt", duration_ms=300)), jobid="py_events")
    with service.events(["py_events"]) as stream:
        service.submit_jobs([cfg])
        seen = []
        while "job_completed" not in seen:
            name, payload = stream.wait_for(lambda name, payload: payload.get("job_id") == "py_events", timeout=30)
            seen.append(name)
    documented = [name for name in seen if name in ("job_queued", "job_started", "job_completed")]
    assert documented == ["job_queued", "job_started", "job_completed"]


def test_a_wrong_token_is_refused(service: JobManagerHandler) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        JobEventStream(service.url, token="wrong-token-0123456789").connect(timeout=5)
