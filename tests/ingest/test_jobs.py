"""The job queue: a failed job is visible to admins with its error, and can be retried."""

from __future__ import annotations

import pytest
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from ingest.jobs import worker_run_until_idle
from ingest.models import JobFailure
from ingest.tasks import feeds_due
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client(client):
    user = UserFactory(username="chief", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_a_failed_job_shows_its_error_to_admins_who_can_retry_it(admin_client):
    job_id = feeds_due.defer(wrong_argument=1)  # a job its task cannot run
    worker_run_until_idle(queues=["ingest"])

    assert ProcrastinateJob.objects.get(pk=job_id).status == "failed"
    failure = JobFailure.objects.get(job_id=job_id)
    assert "TypeError" in failure.error and "wrong_argument" in failure.error
    assert "Traceback" in failure.traceback

    listing = admin_client.get(reverse("admin:ingest_jobfailure_changelist"))
    assert listing.status_code == 200 and "wrong_argument" in listing.content.decode()
    answer = admin_client.post(
        reverse("admin:ingest_jobfailure_changelist"),
        {"action": "retry", "_selected_action": [failure.pk]},
        follow=True,
    )
    assert f"Queued again: job {job_id}" in answer.content.decode()
    assert ProcrastinateJob.objects.get(pk=job_id).status == "todo"
    # procrastinate's own job list shows it too
    assert admin_client.get(reverse("admin:procrastinate_procrastinatejob_changelist")).status_code == 200
