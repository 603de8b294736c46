"""Admin for partner API keys: an admin creates a key (shown once, only its hash is kept) and revokes it."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from rest_framework_api_key.admin import APIKeyModelAdmin

from core.admin import ReadOnlyAdminMixin
from partners.models import Change, PartnerKey


@admin.register(PartnerKey)
class PartnerKeyAdmin(APIKeyModelAdmin):
    list_display = (
        "prefix",
        "partner",
        "name",
        "created",
        "expiry_date",
        "_has_expired",
        "revoked",
        "rate_limit",
        "request_count",
        "last_used_at",
    )
    list_filter = ("revoked", "created")
    search_fields = ("partner", "name", "prefix", "contact_email")
    fields = (
        "partner",
        "name",
        "contact_email",
        "rate_limit",
        "expiry_date",
        "revoked",
        "prefix",
        "created",
        "request_count",
        "last_used_at",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: PartnerKey | None = None) -> tuple[str, ...]:
        return (*super().get_readonly_fields(request, obj), "created", "request_count", "last_used_at")

    def has_delete_permission(self, request: HttpRequest, obj: PartnerKey | None = None) -> bool:
        return False  # revoke instead: its usage stays on record


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The change log, read-only: what the partner feed serves."""

    list_display = ("id", "txid", "resource", "public_id", "created_at")
    list_filter = ("resource",)
    search_fields = ("public_id",)
