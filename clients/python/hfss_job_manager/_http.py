"""A small JSON-over-HTTP client for the service; every error answer becomes a :mod:`hfss_job_manager.errors` exception."""

from typing import Any, Dict, Optional

import requests

from .errors import ServiceUnavailableError, error_from_response


class ServiceClient:
    """Calls one service at ``url``; thread-safe (no shared session state beyond immutable headers)."""

    def __init__(self, url: str, token: Optional[str] = None, request_timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.request_timeout = request_timeout

    @property
    def headers(self) -> Dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "hfss-job-manager-python/0.1"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def call(self, method: str, path: str, body: Any = None, *, timeout: Optional[float] = None) -> Any:
        try:
            response = requests.request(
                method,
                f"{self.url}{path}",
                json=body,
                headers=self.headers,
                timeout=timeout if timeout is not None else self.request_timeout,
            )
        except requests.RequestException as exc:
            raise ServiceUnavailableError(f"Job manager at {self.url} cannot be reached: {exc}") from exc
        try:
            payload: Any = response.json()
        except ValueError:
            payload = response.text
        if response.status_code >= 400:
            raise error_from_response(response.status_code, payload)
        return payload

    def is_healthy(self) -> bool:
        try:
            return requests.get(f"{self.url}/health", headers=self.headers, timeout=2).status_code == 200
        except requests.RequestException:
            return False
