"""Admin for the ways in: feeds, their polls and items, link imports, ingest keys (shown once),
pushes, and background jobs that failed (with their error, and a "retry" action).

Procrastinate's own admin (Procrastinate > Jobs) lists every job with its status and events and
can retry failed ones too; it does not keep errors, which is what ``JobFailure`` is for.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework_api_key.admin import APIKeyModelAdmin

from core.admin import ReadOnlyAdminMixin
from ingest.jobs import job_retry
from ingest.models import Feed, FeedItem, FeedPoll, IngestKey, JobFailure, LinkImport, Push


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ("url", "outlet", "interval_minutes", "active", "last_polled_at", "next_poll_at", "last_error")
    list_filter = ("active", "outlet")
    search_fields = ("url", "title")
    raw_id_fields = ("outlet", "created_by")
    readonly_fields = ("title", "created_by", "created_at", "last_polled_at", "last_error")

    def save_model(self, request: HttpRequest, obj: Feed, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(FeedPoll)
class FeedPollAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("feed", "started_at", "finished_at", "items", "new", "updated", "skipped", "failed", "error")
    list_select_related = ("feed__outlet",)


@admin.register(FeedItem)
class FeedItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "feed", "outcome", "reason", "seen_at", "done_at")
    list_filter = ("outcome",)
    list_select_related = ("feed__outlet",)
    search_fields = ("url", "title")


@admin.register(LinkImport)
class LinkImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("url", "outlet", "requested_by", "requested_at", "outcome", "reason")
    list_filter = ("outcome",)
    list_select_related = ("outlet", "requested_by")


@admin.register(IngestKey)
class IngestKeyAdmin(APIKeyModelAdmin):
    list_display = ("prefix", "name", "outlet", "created", "expiry_date", "_has_expired", "revoked")
    fields = ("name", "outlet", "expiry_date", "revoked", "prefix", "created")
    raw_id_fields = ("outlet",)

    def get_readonly_fields(self, request: HttpRequest, obj: IngestKey | None = None) -> tuple[str, ...]:
        return (*super().get_readonly_fields(request, obj), "created")

    def has_delete_permission(self, request: HttpRequest, obj: IngestKey | None = None) -> bool:
        return False  # revoke instead: its pushes stay on record


@admin.register(Push)
class PushAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("ref", "outlet", "key", "outcome", "received_at")
    list_select_related = ("outlet", "key")


@admin.register(JobFailure)
class JobFailureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("failed_at", "task_name", "job_id", "attempt", "error")
    list_filter = ("task_name",)
    search_fields = ("error", "job_id")
    actions = ["retry"]

    @admin.action(description="Retry the job now")
    def retry(self, request: HttpRequest, queryset: QuerySet[JobFailure]) -> None:
        job_ids = set(queryset.values_list("job_id", flat=True))
        retried = [job_id for job_id in sorted(job_ids) if job_retry(job_id)]
        if retried:
            self.message_user(request, f"Queued again: job {', '.join(map(str, retried))}.", messages.SUCCESS)
        if len(retried) < len(job_ids):
            self.message_user(
                request, "Jobs not failed any more (retried already, or succeeded) were left alone.", messages.INFO
            )

    def has_change_permission(self, request: HttpRequest, obj: JobFailure | None = None) -> bool:
        return False
