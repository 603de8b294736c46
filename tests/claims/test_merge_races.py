"""Crossing merges (A into B while B into A) from two connections at once: one merges, the other
is refused with 409, and neither deadlocks into a 500."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from claims.models import Actor, Dispute, Merge
from tests.factories import ActorFactory, DisputeFactory

pytestmark = pytest.mark.django_db(transaction=True)


class Rendezvous:
    """Makes two requests cross at the worst moment: each, right after its first row-locking
    statement, waits for the other to run its own. When the other cannot (it is queued behind a
    lock this one holds, as it should be), the wait gives up after a moment and both go on."""

    def __init__(self) -> None:
        self.barrier = threading.Barrier(2, timeout=2)

    def wrapper(self) -> Callable[..., Any]:
        locked = False

        def wrap(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal locked
            result = execute(sql, params, many, context)
            if not locked and "FOR UPDATE" in sql:
                locked = True
                with contextlib.suppress(threading.BrokenBarrierError):
                    self.barrier.wait()
            return result

        return wrap


def post_in_a_thread(user, url: str, data: dict, rendezvous: Rendezvous, results: list) -> threading.Thread:
    def run() -> None:
        try:
            client = Client()
            client.force_login(user)
            with connection.execute_wrapper(rendezvous.wrapper()):
                results.append(client.post(url, data).status_code)
        except Exception as error:  # a deadlock raises here: the view would have answered 500
            results.append(error)
        finally:
            connection.close()

    return threading.Thread(target=run)


@pytest.mark.parametrize(
    ("factory", "url_name"),
    [(ActorFactory, "claims:actor_merge"), (DisputeFactory, "claims:dispute_merge")],
    ids=["actors", "disputes"],
)
def test_crossing_merges_do_not_deadlock_one_merges_and_the_other_gets_409(editor, factory, url_name):
    a, b = factory(), factory()
    rendezvous, results = Rendezvous(), []
    threads = [
        post_in_a_thread(editor, reverse(url_name, args=[a.pk]), {"duplicate": b.pk}, rendezvous, results),
        post_in_a_thread(editor, reverse(url_name, args=[b.pk]), {"duplicate": a.pk}, rendezvous, results),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results, key=str) == [302, 409], results
    assert Merge.objects.count() == 1
    model = Actor if factory is ActorFactory else Dispute
    merged = dict(model.objects.filter(pk__in=[a.pk, b.pk]).values_list("pk", "merged_into"))
    assert merged in ({a.pk: None, b.pk: a.pk}, {a.pk: b.pk, b.pk: None})  # one into the other, not both
