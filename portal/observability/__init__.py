"""Health probes, Prometheus metrics, JSON logs and request ids (issue 14, "Observable")."""
from portal.observability.probes import init_app
from portal.observability.request_ids import current_request_id

__all__ = ["init_app", "current_request_id"]
