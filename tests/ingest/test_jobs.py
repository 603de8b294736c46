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


def test_the_jobs_of_a_worker_that_died_run_again_and_free_the_feed_it_was_polling(web):
    from django.db import connection

    from ingest.models import Feed, FeedPoll, LinkImport
    from ingest.services import link_import_request
    from ingest.tasks import feed_poll_defer, stalled_jobs_retry
    from tests.factories import OutletFactory
    from tests.ingest.conftest import article_html, rss

    outlet, author = OutletFactory(), UserFactory()
    feed = Feed.objects.create(
        outlet=outlet, url=web.route("/f.xml", rss("F", [])), interval_minutes=5, created_by=author
    )
    feed_poll_defer(feed)
    link = link_import_request(
        url=web.route("/a", article_html("Clashes", "Armenia said 49 of its soldiers were killed. " * 5)),
        outlet=outlet, author=author,
    )  # fmt: skip
    taken = list(ProcrastinateJob.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:  # a worker took both jobs, then its machine went away
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '10 minutes') RETURNING id"
        )
        cursor.execute("UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id = ANY(%s)",
                       [cursor.fetchone()[0], taken])  # fmt: skip
    assert feed_poll_defer(feed)  # the next poll waits, but cannot run: the stuck one holds the feed's lock
    worker_run_until_idle(queues=["ingest"])
    assert not FeedPoll.objects.filter(feed=feed).exists()

    stalled_jobs_retry.defer(timestamp=0)
    worker_run_until_idle(queues=["ingest"])
    assert FeedPoll.objects.filter(feed=feed).count() == 1  # polled once, by the poll that waited
    assert LinkImport.objects.get(pk=link.pk).outcome == "new story"  # the link job ran again
    assert not ProcrastinateJob.objects.filter(status__in=["doing", "todo"], queue_name="ingest").exists()
    assert feed_poll_defer(feed)  # and the feed can be polled again


def test_a_feed_is_polled_at_the_run_before_its_next_poll_not_a_minute_late():
    from datetime import timedelta

    from django.utils import timezone
    from procrastinate.contrib.django.models import ProcrastinateJob

    from ingest.models import Feed
    from tests.factories import OutletFactory

    outlet, author = OutletFactory(), UserFactory()
    minute = timezone.now().replace(second=0, microsecond=0)  # the run's scheduled time

    def feed(name: str, next_poll_in: timedelta) -> Feed:
        return Feed.objects.create(
            outlet=outlet,
            url=f"https://wire.example/{name}.xml",
            interval_minutes=1,
            next_poll_at=minute + next_poll_in,
            created_by=author,
        )

    # read at 14:19:25 every minute: next poll 14:20:25, nearer the 14:20 run than the 14:21 one
    this_minute = feed("soon", timedelta(seconds=25))
    # read at 14:19:55: next poll 14:20:55, for the 14:21 run (not again at 14:20, five seconds on)
    just_read = feed("just-read", timedelta(seconds=55))
    late = feed("late", -timedelta(minutes=3))
    assert feeds_due(int(minute.timestamp())) == 2
    polled = {job.args["feed_id"] for job in ProcrastinateJob.objects.filter(task_name="ingest.feed_poll")}
    assert polled == {this_minute.pk, late.pk} and just_read.pk not in polled
