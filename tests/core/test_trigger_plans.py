"""The desk's trigger functions plan once per session (force_generic_plan), even after a reinstall."""

from __future__ import annotations

import pytest
from django.db import connection

from claims import visibility
from core.trigger_plans import SETTING, plan_trigger_functions_generically

pytestmark = pytest.mark.django_db


def _settings(name: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(proconfig, '{}') FROM pg_proc WHERE proname = %s", [name])
        return cursor.fetchone()[0]


def test_every_change_log_and_activity_trigger_function_plans_generically(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT p.proname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid"
            " WHERE t.tgname IN ('partners_change_log', 'partners_change_exposure', 'claims_dispute_activity')"
        )
        functions = [row[0] for row in cursor.fetchall()]
    assert "partners_on_claimdispute" in functions and "claims_on_dispute_activity" in functions
    for name in functions:
        assert SETTING in _settings(name), name


def test_a_reinstalled_trigger_function_gets_its_generic_plans_back_after_migrate(db):
    """CREATE OR REPLACE without a SET clause drops a function's settings, as a migration would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_functiondef('partners_on_claim'::regproc)")
        (definition,) = cursor.fetchone()
        reinstall = "\n".join(line for line in definition.splitlines() if "plan_cache_mode" not in line)
        cursor.execute(reinstall)
    assert SETTING not in _settings("partners_on_claim")
    visibility.install_sql_functions()
    assert plan_trigger_functions_generically() == ["partners_on_claim()"]
    assert SETTING in _settings("partners_on_claim")


def test_the_visibility_helpers_keep_no_settings_so_they_stay_inlinable(db):
    visibility.install_sql_functions()
    plan_trigger_functions_generically()
    for name in ("partners_claim_visible", "partners_dispute_visible", "partners_claim_shown"):
        assert _settings(name) == []
