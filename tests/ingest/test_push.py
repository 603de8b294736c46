"""Push over real HTTP: agencies send stories with an ingest key; a push is idempotent."""

from __future__ import annotations

import pytest
import requests

from claims.models import StoryReading
from ingest.jobs import worker_run_until_idle
from ingest.models import IngestKey, Push
from sources.models import Story
from tests.factories import OutletFactory
from tests.ingest.test_feeds import CLASHES
from tests.live_api import make_key

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "\n\n".join(CLASHES)


@pytest.fixture
def push(live_server):
    outlet = OutletFactory(key="bernama", name="NNN-Bernama")
    _, secret = IngestKey.objects.create_key(name="Bernama wire", outlet=outlet)

    def send(body: dict, key: str | None = secret, keyword: str = "Ingest-Key") -> requests.Response:
        headers = {"Authorization": f"{keyword} {key}"} if key else {}
        return requests.post(f"{live_server.url}/api/v1/ingest/stories/", json=body, headers=headers, timeout=30)

    return send


def story(**overrides) -> dict:
    body = {
        "outlet": "bernama",
        "headline": "Armenia, Azerbaijan trade blame as border clashes kill 99",
        "text": TEXT,
        "agency_id": "BNM-2022-09-14-001",
        "published": "2022-09-14",
    }
    return {**body, **overrides}


def test_a_pushed_story_is_imported_once_and_read_by_the_assistant(push):
    first = push(story())
    assert first.status_code == 201, first.text
    assert first.json()["outcome"] == "new story" and first.json()["repeated"] is False
    again = push(story())
    assert again.status_code == 200 and again.json() == {**first.json(), "repeated": True}
    assert Push.objects.count() == 1

    imported = Story.objects.get(public_id=first.json()["story"])
    assert imported.current_revision.body == TEXT and str(imported.published_on) == "2022-09-14"
    worker_run_until_idle()
    assert StoryReading.objects.filter(story=imported).exists()

    # the agency corrects its story: the same id, new text, a new revision of the same story
    corrected = push(story(text=TEXT.replace("49", "71")))
    assert corrected.status_code == 201 and corrected.json()["outcome"] == "new revision"
    assert corrected.json()["story"] == first.json()["story"] and corrected.json()["revision"] == 2


def test_pushes_need_an_ingest_key_for_their_outlet(push):
    OutletFactory(key="afp", name="AFP")
    assert push(story(), key=None).status_code in (401, 403)
    assert push(story(), key="not-a-key.at-all").status_code == 401
    # a partner's read key pushes nothing, sent either way
    assert push(story(), key=make_key(), keyword="Api-Key").status_code in (401, 403)
    assert push(story(), key=make_key(name="other")).status_code == 401
    other = push(story(outlet="afp"))
    assert other.status_code == 400 and "pushes NNN-Bernama's stories only" in other.text
    assert not Story.objects.exists()


BAD_PUSHES = [
    ({"text": "   "}, "text"),
    ({"headline": ""}, "headline"),
    ({"outlet": "nobody"}, "outlet"),
    ({"published": "2022-13-45"}, "published"),
    ({"agency_id": "", "url": ""}, "url"),
    ({"agency_id": "", "url": "javascript:alert(1)"}, "url"),
    ({"text": "a\x00b"}, "text"),
    ({"machine_translated": "perhaps"}, "machine_translated"),
]


def test_a_bad_push_is_refused_naming_the_field_and_nothing_is_written(push):
    for overrides, field in BAD_PUSHES:
        answer = push(story(**overrides))
        assert answer.status_code == 400, (overrides, answer.text)
        assert field in answer.text, (overrides, answer.text)
    assert not Story.objects.exists() and not Push.objects.exists()
