"""``JobManagerHandler``: PyEDB's synchronous job-manager façade, backed by the hfss-job-manager service."""

import atexit
import getpass
import os
import secrets
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from ._http import ServiceClient
from ._service import ServiceProcess, free_port, port_in_use, service_command, wait_for_attached
from .config import HFSSSimulationConfig, MachineNode, SchedulerType
from .errors import JobManagerTimeoutError

#: The most configs one ``POST /jobs/submit-batch`` takes; ``submit_batch`` splits longer sweeps.
MAX_BATCH_CONFIGS = 10_000

if TYPE_CHECKING:
    from .events import JobEventStream

TERMINAL_STATUSES = frozenset({"completed", "failed", "cancelled", "timed_out"})
_ANY_ADDRESS = {"", "0.0.0.0", "::"}
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_LONGEST_WAIT_REQUEST = 60  # seconds per GET /jobs/{id}/wait; the service allows up to 3600

ConfigLike = Union[HFSSSimulationConfig, Mapping[str, Any]]


class JobManagerHandler:
    """Start (or attach to) the job manager, build configs, submit them and wait for them.

    ``start_service()`` starts the service as a subprocess bound to ``host:port``; with ``url=`` (or
    ``HFSS_JM_URL`` in the environment) it attaches to a service that is already running instead. Either way it
    returns once ``/health`` answers. ``close()`` stops a service this handler started (SIGTERM: running solves
    are drained) and is registered with :mod:`atexit`. Every public method may be called from any thread.

    ``edb`` is optional: a PyEDB ``Edb`` (anything with ``base_path``) names the ``ansysedt`` next to it, which
    the configs this handler creates then use. The bearer token is ``token=`` or ``HFSS_JM_API_TOKEN``; a service
    started on a non-loopback address without one gets a random token, known only to this handler.
    """

    def __init__(
        self,
        edb: Any = None,
        version: Optional[str] = None,
        host: str = "localhost",
        port: int = 8080,
        *,
        url: Optional[str] = None,
        token: Optional[str] = None,
        data_dir: Optional[str] = None,
        service_command: Optional[Sequence[str]] = None,
        env: Optional[Mapping[str, str]] = None,
        start_timeout: float = 30.0,
        shutdown_grace: float = 45.0,
    ) -> None:
        self.version = version
        self.ansys_path: Optional[str] = _ansysedt_next_to(edb)
        self.host = host
        self.port = port if port else free_port(host)
        self._attach_url = url or os.environ.get("HFSS_JM_URL")
        self.token = token or os.environ.get("HFSS_JM_API_TOKEN")
        self.data_dir = data_dir
        self._service_command = service_command
        self._extra_env = dict(env or {})
        self.start_timeout = start_timeout
        self.shutdown_grace = shutdown_grace
        self._lock = threading.RLock()
        self._process: Optional[ServiceProcess] = None
        self.started = False
        atexit.register(self.close)

    # -- service ---------------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._attach_url:
            return self._attach_url.rstrip("/")
        connect = "127.0.0.1" if self.host in _ANY_ADDRESS else self.host
        return f"http://[{connect}]:{self.port}" if ":" in connect else f"http://{connect}:{self.port}"

    @property
    def log_path(self) -> Optional[str]:
        """The started service's output, if this handler started it."""
        return self._process.log_path if self._process else None

    def start_service(self) -> None:
        """Start the service (or attach to ``url``) and wait until ``/health`` answers; idempotent.

        Raises ``RuntimeError`` if the service exits or is not healthy within ``start_timeout`` seconds (for
        example when the port is taken) and ``FileNotFoundError`` if no service can be found to start.
        """
        with self._lock:
            if self.started:
                return
            if self._attach_url:
                wait_for_attached(self._client().is_healthy, self.url, self.start_timeout)
            else:
                connect_host = "127.0.0.1" if self.host in _ANY_ADDRESS else self.host
                if port_in_use(connect_host, self.port):
                    raise RuntimeError(
                        f"Job-Manager service failed to start: port {self.port} on {self.host} is already in use "
                        "(listen EADDRINUSE); choose another port, stop the process using it, or pass url= to attach to it"
                    )
                if not self.token and self.host not in _LOOPBACK:
                    self.token = secrets.token_urlsafe(32)
                self._process = ServiceProcess(service_command(self._service_command), self._service_env())
                self._process.wait_until_healthy(self._client().is_healthy, self.start_timeout)
            self.started = True

    def close(self) -> None:
        """Stop the service this handler started, draining running solves; a no-op when attached or stopped."""
        with self._lock:
            if self._process is not None:
                self._process.stop(self.shutdown_grace)
                self._process = None
            self.started = False

    def __enter__(self) -> "JobManagerHandler":
        self.start_service()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- configs and submission ------------------------------------------------------------------------------------

    def create_simulation_config(
        self,
        project_path: str,
        ansys_edt_path: Optional[str] = None,
        jobid: Optional[str] = None,
        scheduler_type: Union[SchedulerType, str, None] = None,
        cpu_cores: int = 1,
        user: Optional[str] = None,
        **fields: Any,
    ) -> HFSSSimulationConfig:
        """A validated config (``ValueError`` otherwise). Relative project paths are made absolute here; an unset
        ``scheduler_type`` is the service's default scheduler; ``cpu_cores`` sizes the one local machine node
        unless ``machine_nodes`` is given. Any other ``HFSSSimulationConfig`` field may be passed by name."""
        if not project_path:
            raise ValueError("Project path must be provided")
        fields.setdefault("machine_nodes", [MachineNode("localhost", cores=cpu_cores, max_cores=max(cpu_cores, 1), utilization=90)])
        return HFSSSimulationConfig(
            project_path=os.path.abspath(project_path),
            jobid=jobid or f"{Path(project_path).stem}_{uuid.uuid4().hex[:6]}",
            ansys_edt_path=ansys_edt_path or self.ansys_path,
            scheduler_type=SchedulerType(scheduler_type) if scheduler_type is not None else None,
            user=user or _current_user(),
            **fields,
        )

    def submit_job(self, config: ConfigLike, priority: Optional[int] = None) -> str:
        """Submit one config; returns its job id (an existing jobid with the same config returns that job)."""
        body = _as_dict(config)
        if priority is not None:
            body["priority"] = priority
        answer = self._client().call("POST", "/jobs/submit", body)
        return str(answer["job_id"])

    def submit_jobs(self, configs: Iterable[ConfigLike], priority: Optional[int] = None) -> List[str]:
        """Submit configs in order; returns their job ids."""
        return [self.submit_job(config, priority) for config in configs]

    def submit_batch(self, configs: Iterable[ConfigLike], priority: Optional[int] = None, view: str = "summary") -> Dict[str, Any]:
        """Submit many configs (a sweep) in one request, ``POST /jobs/submit-batch``: each is checked like ``submit_job``,
        the valid ones are stored together, and nothing is raised for a refused one. Returns the service's answer:
        ``accepted``, ``duplicates``, ``rejected`` and ``results``, one per config in order (``index``, ``jobid``,
        ``status`` of ``accepted`` / ``duplicate`` / ``rejected``, ``job_status``, ``queue_position``, ``error`` with its
        ``code`` and ``message``; ``job``, the whole view, with ``view="full"``). More than 10,000 configs go in
        several requests, their results joined in order (``index`` counts across them)."""
        bodies = []
        for config in configs:
            body = _as_dict(config)
            if priority is not None:
                body["priority"] = priority
            bodies.append(body)
        if not bodies:
            raise ValueError("submit_batch needs at least one config")
        path = "/jobs/submit-batch" + ("" if view == "summary" else f"?view={view}")
        answer: Dict[str, Any] = {"success": True, "accepted": 0, "duplicates": 0, "rejected": 0, "results": []}
        for start in range(0, len(bodies), MAX_BATCH_CONFIGS):
            part = self._client().call("POST", path, {"jobs": bodies[start : start + MAX_BATCH_CONFIGS]})
            for key in ("accepted", "duplicates", "rejected"):
                answer[key] += part[key]
            answer["results"].extend({**result, "index": result["index"] + start} for result in part["results"])
        return answer

    def submit_jobs_and_wait(self, configs: Iterable[ConfigLike], timeout: Optional[float] = None, priority: Optional[int] = None) -> List[str]:
        """Submit, then block until every job is completed, failed or cancelled; returns the job ids.

        Raises ``TimeoutError`` (also ``asyncio.TimeoutError``) when ``timeout`` seconds pass first, or when a job
        ended because it exceeded its own ``timeout``.
        """
        ids = self.submit_jobs(configs, priority)
        deadline = None if timeout is None else time.monotonic() + timeout
        timed_out = [job["job_id"] for job in (self.wait_for_job(job_id, deadline=deadline) for job_id in ids) if job["status"] == "timed_out"]
        if timed_out:
            raise JobManagerTimeoutError(f"Job(s) {', '.join(timed_out)} exceeded their timeout", code="TIMEOUT")
        return ids

    def wait_for_job(self, job_id: str, timeout: Optional[float] = None, *, deadline: Optional[float] = None) -> Dict[str, Any]:
        """Block until the job is terminal; returns the job view. ``TimeoutError`` when the time runs out."""
        if deadline is None and timeout is not None:
            deadline = time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise JobManagerTimeoutError(f"Job {job_id} did not finish in time", code="TIMEOUT")
            step = _LONGEST_WAIT_REQUEST if remaining is None else max(1, min(_LONGEST_WAIT_REQUEST, int(remaining + 0.999)))
            try:
                return dict(self._client().call("GET", f"/jobs/{job_id}/wait?timeout={step}", timeout=step + 30))
            except JobManagerTimeoutError:
                continue

    def wait_until_done(self, job_id: str, poll_every: float = 2.0) -> str:
        """PyEDB's spelling: block until the job is terminal and return its status."""
        return str(self.wait_for_job(job_id)["status"])

    def wait_until_all_done(self, poll_every: float = 2.0) -> None:
        """PyEDB's spelling: block until no known job is queued, scheduled or running."""
        while any(job["status"] not in TERMINAL_STATUSES for job in self.get_jobs()):
            time.sleep(poll_every)

    # -- queries and actions ---------------------------------------------------------------------------------------

    def get_job(self, job_id: str) -> Dict[str, Any]:
        return dict(self._client().call("GET", f"/jobs/{job_id}"))

    def get_jobs(self, status: Optional[str] = None) -> List[Dict[str, Any]]:
        """Every job, newest first (this service's job view)."""
        jobs: List[Dict[str, Any]] = []
        while True:
            query = f"/jobs?limit=500&offset={len(jobs)}" + (f"&status={status}" if status else "")
            page = self._client().call("GET", query)
            jobs.extend(page["items"])
            if not page["items"] or len(jobs) >= page["total"]:
                return jobs

    def cancel_job(self, job_id: str) -> Dict[str, Any]:
        """Cancel a queued or running job (idempotent); returns the job view."""
        return dict(self._client().call("POST", f"/jobs/{job_id}/cancel")["job"])

    def set_priority(self, job_id: str, priority: int) -> Dict[str, Any]:
        """Change a queued local job's priority and re-queue it; returns the job view."""
        return dict(self._client().call("POST", f"/jobs/{job_id}/priority", {"priority": priority})["job"])

    change_priority = set_priority

    def get_queue(self) -> Dict[str, Any]:
        return dict(self._client().call("GET", "/queue"))

    def get_resources(self) -> Dict[str, Any]:
        return dict(self._client().call("GET", "/resources"))

    def events(self, job_ids: Optional[Sequence[str]] = None) -> "JobEventStream":
        """Live Socket.IO events (needs ``python-socketio``): see :class:`hfss_job_manager.events.JobEventStream`."""
        from .events import JobEventStream

        return JobEventStream(self.url, token=self.token, job_ids=job_ids)

    # -- internals -------------------------------------------------------------------------------------------------

    def _client(self) -> ServiceClient:
        return ServiceClient(self.url, self.token)

    def _service_env(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.update({"HFSS_JM_HOST": self.host, "HFSS_JM_PORT": str(self.port)})
        if self.token:
            env["HFSS_JM_API_TOKEN"] = self.token
        if self.data_dir:
            env["HFSS_JM_DATA_DIR"] = self.data_dir
        if self.ansys_path and "HFSS_JM_ANSYSEDT_PATH" not in env:
            env["HFSS_JM_ANSYSEDT_PATH"] = self.ansys_path
        env.pop("HFSS_JM_URL", None)
        env.update(self._extra_env)
        return env


def _ansysedt_next_to(edb: Any) -> Optional[str]:
    base = getattr(edb, "base_path", None) if edb is not None else None
    if not base:
        return None
    return os.path.join(str(base), "ansysedt.exe" if os.name == "nt" else "ansysedt")


def _current_user() -> Optional[str]:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers without a passwd entry)
        return None


def _as_dict(config: ConfigLike) -> Dict[str, Any]:
    if isinstance(config, HFSSSimulationConfig):
        return config.to_dict()
    return dict(config)
