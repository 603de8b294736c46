"""The job queue's wiring: procrastinate (``procrastinate.contrib.django``) on the desk's PostgreSQL.

Jobs are rows in the desk's own database, deferred in the same transaction as the write that
needs them (a story imported and its reading job commit together, or neither does). Workers are
``manage.py procrastinate worker`` processes on any number of machines against that database;
each job is taken by exactly one (``SELECT ... FOR UPDATE SKIP LOCKED`` inside procrastinate).

Procrastinate keeps a job's status and events, not its error: :func:`record_failure`, a task
middleware every worker runs (added by :func:`on_app_ready`, named in
``settings.PROCRASTINATE_ON_APP_READY``), stores each failure's error and traceback in
``ingest.JobFailure``, which the admin lists with a "retry" action.
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any

from django.db import close_old_connections, connections, transaction
from procrastinate import App, RetryStrategy
from procrastinate.contrib.django import app

logger = logging.getLogger(__name__)

# Unexpected failures (the database restarting, a bug) are retried: after 2, 4, 8 and 16 seconds.
RETRY = RetryStrategy(max_attempts=4, exponential_wait=2)


def record_failure(call_next: Any, context: Any, worker: Any) -> Any:
    """Run the job with fresh database connections; record its error when it raises."""
    close_old_connections()
    try:
        return call_next()
    except Exception as error:
        job = context.job
        try:
            from ingest.models import JobFailure

            with transaction.atomic():
                JobFailure.objects.create(
                    job_id=job.id,
                    task_name=job.task_name[:128],
                    args=job.task_kwargs,
                    attempt=job.attempts + 1,
                    error=f"{type(error).__name__}: {error}"[:10_000],
                    traceback="".join(traceback.format_exception(error))[:50_000],
                )
        except Exception:  # the failure is still the job's: procrastinate marks it failed or retries
            logger.exception("Could not record the failure of job %s", job.id)
        raise
    finally:
        close_old_connections()


def on_app_ready(procrastinate_app: App) -> None:
    middleware = procrastinate_app.worker_defaults.setdefault("task_middleware", [])
    if record_failure not in middleware:
        middleware.append(record_failure)


def job_retry(job_id: int) -> bool:
    """Put a failed job back in its queue now (the admin's "retry"). False if it is not failed."""
    from procrastinate.contrib.django.models import ProcrastinateJob
    from procrastinate.utils import utcnow

    job = ProcrastinateJob.objects.filter(pk=job_id, status="failed").first()
    if job is None:
        return False
    app.job_manager.retry_job_by_id(job.id, utcnow(), job.priority, job.queue_name, job.lock)
    return True


def worker_run_until_idle(*, queues: list[str] | None = None, concurrency: int = 1) -> None:
    """Run one real worker in this process until no job is left to do (procrastinate's
    ``wait=False``), on its own connection as ``manage.py procrastinate worker`` does: it sees
    committed jobs only. For tests, benchmarks and commands that need the queue drained.

    The worker runs its event loop in a thread of its own, so this works from code that already
    runs one (Playwright's sync API does)."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
                worker_app.run_worker(
                    queues=queues,
                    wait=False,
                    concurrency=concurrency,
                    install_signal_handlers=False,
                    listen_notify=False,
                    # the worker's threads end with it: their database connections must not outlive them
                    task_middleware=[*worker_app.worker_defaults.get("task_middleware", []), _close_connections],
                )
        except BaseException as error:  # re-raised in the caller's thread
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="procrastinate-worker")
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def _close_connections(call_next: Any, context: Any, worker: Any) -> Any:
    try:
        return call_next()
    finally:
        connections.close_all()
