"""`manage.py screenshots` picks pages that show the desk at work, among them the story reader with
its log form prefilled for words holding figures; each page it picks answers an editor."""

from __future__ import annotations

import re

import pytest

from claims.management.commands.screenshots import Command

pytestmark = pytest.mark.django_db


def test_the_screenshot_pages_include_the_prefilled_log_form_and_all_load(client, editor, seeded):
    pages = dict(Command().pages())
    assert "story-reader-log-form" in pages
    client.force_login(editor)
    response = client.get(pages["story-reader-log-form"])
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="log-claim-form"' in html
    assert re.search(r'<input[^>]*name="figures-0-value"[^>]*value="\d+"', html)  # a figure read from the words


def test_the_screenshots_show_the_inbox_and_a_claim_whose_figures_can_be_corrected(client, editor, seeded):
    pages = dict(Command().pages())
    assert pages["inbox"] == "/stories/" and pages["disputes"] == "/disputes/"
    client.force_login(editor)
    for name in ("inbox", "disputes"):
        assert client.get(pages[name]).status_code == 200, name
    claim_page = client.get(pages["claim"]).content.decode()
    # the correction form the command opens before the shot is there to open
    assert re.search(r'<section id="figures".*?<details class="correction" id="figure-\d+"', claim_page, re.S)
