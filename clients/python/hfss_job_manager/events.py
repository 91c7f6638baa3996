"""Live job events over Socket.IO (optional: needs ``python-socketio``, e.g. Debian's ``python3-socketio``).

The service emits ``job_queued``, ``job_scheduled``, ``job_started``, ``job_completed`` (PyEDB's four),
``job_cancelled``, ``job_updated`` and ``job_progress``; each payload carries ``job_id``.
"""

import queue
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlencode

JOB_EVENTS = ("job_queued", "job_scheduled", "job_started", "job_completed", "job_cancelled", "job_updated", "job_progress")

Event = Tuple[str, Dict[str, Any]]


class JobEventStream:
    """A Socket.IO connection that records job events (all jobs, or only ``job_ids``) and calls listeners."""

    def __init__(self, url: str, token: Optional[str] = None, job_ids: Optional[Sequence[str]] = None) -> None:
        try:
            import socketio  # type: ignore[import-not-found, import-untyped]
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("live events need python-socketio: pip install 'hfss-job-manager[events]' or apt install python3-socketio") from exc
        self.url = url
        self.token = token
        self.job_ids = list(job_ids) if job_ids else None
        self.received: "queue.Queue[Event]" = queue.Queue()
        self._listeners: List[Callable[[str, Dict[str, Any]], None]] = []
        self._client = socketio.Client(reconnection=True)
        for name in JOB_EVENTS:
            self._client.on(name, self._recorder(name))

    def _recorder(self, name: str) -> Callable[[Dict[str, Any]], None]:
        def record(payload: Dict[str, Any]) -> None:
            self.received.put((name, payload))
            for listener in list(self._listeners):
                listener(name, payload)

        return record

    def on(self, listener: Callable[[str, Dict[str, Any]], None]) -> None:
        """Call ``listener(event_name, payload)`` for every job event (from Socket.IO's thread)."""
        self._listeners.append(listener)

    def connect(self, timeout: float = 10.0) -> "JobEventStream":
        query = f"?{urlencode({'jobs': ','.join(self.job_ids)})}" if self.job_ids else ""
        self._client.connect(f"{self.url}{query}", auth={"token": self.token} if self.token else None, wait_timeout=timeout)
        return self

    def wait_for(self, predicate: Callable[[str, Dict[str, Any]], bool], timeout: float = 30.0) -> Event:
        """The first recorded event (including earlier ones not yet taken) matching ``predicate``."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no matching job event arrived in time")
            try:
                name, payload = self.received.get(timeout=remaining)
            except queue.Empty:
                continue
            if predicate(name, payload):
                return name, payload

    def close(self) -> None:
        self._client.disconnect()

    def __enter__(self) -> "JobEventStream":
        return self.connect()

    def __exit__(self, *exc: object) -> None:
        self.close()
