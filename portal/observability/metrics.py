"""Prometheus metrics, with prometheus-client.

prometheus-client is the reference client: text exposition, histograms, and
a multiprocess mode in which each gunicorn worker writes its samples to
memory-mapped files in PROMETHEUS_MULTIPROC_DIR and a scrape of any worker
adds them all up. Without that directory (the development server, tests)
the samples stay in the process.

Labels are bounded: the Flask endpoint name (never the raw URL, which an
outsider can vary at will), the status class, a job's kind and outcome, a
login failure's reason. The job queue's length is read from its storage at
scrape time, so it is the same whichever worker answers.
"""
import ipaddress
import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY

# Seconds; the page target is 300 ms and the workbook's 1 s (issue 14).
REQUEST_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
JOB_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)

REQUEST_SECONDS = Histogram(
    "portal_http_request_duration_seconds",
    "Time from the request's first hook to its response, by Flask endpoint and status class.",
    ["endpoint", "status"], buckets=REQUEST_BUCKETS)
LOGIN_FAILURES = Counter(
    "portal_login_failures",
    "Refused sign-ins: wrong name or password, throttled guessing, unknown or revoked API token.",
    ["reason"])
JOB_SECONDS = Histogram(
    "portal_job_duration_seconds",
    "Background job run time, by kind (export, import, webhook, housekeeping…) and outcome.",
    ["kind", "outcome"], buckets=JOB_BUCKETS)

UNMATCHED = "unmatched"  # no route: 404s and 405s share one label, whatever the URL


def observe_request(endpoint, status_code, seconds):
    REQUEST_SECONDS.labels(endpoint or UNMATCHED, f"{status_code // 100}xx").observe(seconds)


def login_failed(reason):
    LOGIN_FAILURES.labels(reason).inc()


def job_finished(kind, outcome, seconds):
    JOB_SECONDS.labels(kind, outcome).observe(seconds)


class QueueCollector:
    """The job queue's length and scheduled (retry) count, read from huey's storage."""

    def __init__(self, queue):
        self.queue = queue

    def collect(self):
        up = GaugeMetricFamily("portal_job_queue_up", "1 when the job queue's storage answered.")
        try:
            pending, scheduled = self.queue.pending_count(), self.queue.scheduled_count()
        except Exception:  # Redis down, queue file gone: say so instead of failing the scrape
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("portal_job_queue_length", "Jobs waiting in the queue.", value=pending)
        yield GaugeMetricFamily("portal_job_queue_scheduled",
                                "Jobs scheduled for later (retries of webhook deliveries).",
                                value=scheduled)


class _Sources:
    def __init__(self, *sources):
        self.sources = sources

    def collect(self):
        for source in self.sources:
            yield from source.collect()


def exposition(queue):
    """The text page: every worker's samples (multiprocess mode) or this process's, and the queue."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        summed = CollectorRegistry()
        MultiProcessCollector(summed, path=folder)
        return generate_latest(_Sources(summed, QueueCollector(queue)))
    return generate_latest(_Sources(REGISTRY, QueueCollector(queue)))


def parse_allowed(text):
    """METRICS_ALLOWED: addresses or networks, separated by commas or spaces."""
    networks = []
    for item in text.replace(",", " ").split():
        networks.append(ipaddress.ip_network(item, strict=False))
    return tuple(networks)


def address_allowed(address, networks):
    try:
        ip = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:  # a dual-stack socket's ::ffff:127.0.0.1
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)
