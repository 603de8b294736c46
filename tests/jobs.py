"""Running the background jobs tests queue.

- ``ingest.jobs.worker_run_until_idle()``: a real procrastinate worker in the test process, on its
  own connection; it sees committed jobs, so it is for transactional tests (``transaction=True``,
  the browser and live-API tests) and for the session's seed data.
- :func:`run_jobs_here`: for ordinary tests, which run inside a transaction a worker cannot see.
  It takes the queued jobs from procrastinate's own table with procrastinate's own SQL functions
  (fetch, then finish) and runs each task in the test's connection. A task that raises fails the
  test.
"""

from __future__ import annotations

import json

from django.db import connection
from procrastinate.contrib.django import app


def run_jobs_here(*, queues: list[str] | None = None, limit: int = 10_000) -> int:
    """Run every job waiting (and those they queue) in this transaction; return how many ran."""
    app.perform_import_paths()
    ran = 0
    with connection.cursor() as cursor:
        while ran < limit:
            cursor.execute(
                "SELECT id, task_name, args FROM procrastinate_fetch_job_v2(%s, NULL) WHERE id IS NOT NULL",
                [queues],
            )
            row = cursor.fetchone()
            if row is None:
                break
            job_id, task_name, args = row
            app.tasks[task_name](**(json.loads(args) if isinstance(args, str) else args))
            cursor.execute("SELECT procrastinate_finish_job_v1(%s, 'succeeded', false)", [job_id])
            ran += 1
    return ran
