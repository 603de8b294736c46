"""Public pages: what the desk publishes, readable by anyone without logging in."""

from django.urls import path

from public import views

app_name = "public"

urlpatterns = [
    path("disputes/<uuid:public_id>/", views.dispute_page, name="dispute"),
    path("claims/<uuid:public_id>/", views.claim_page, name="claim"),
]
