"""Who may change which field of a claim: one rule (claims.services.editable_claim_fields) for the
edit page, restore, the API and the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from claims.services import CLAIM_CONTENT_FIELDS, CLAIM_EDITABLE_FIELDS, editable_claim_fields
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_editors_change_every_field_fact_checkers_the_status_viewers_nothing(editor, factchecker, viewer):
    assert editable_claim_fields(editor) == set(CLAIM_EDITABLE_FIELDS)
    assert editable_claim_fields(factchecker) == {"status"}
    assert editable_claim_fields(viewer) == set()


def test_the_content_and_the_status_each_follow_their_own_permission():
    user = UserFactory(username="content-only")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="claims", codename="change_claim"))

    assert editable_claim_fields(user) == set(CLAIM_CONTENT_FIELDS)
    assert "status" not in editable_claim_fields(user)
