from django.urls import path

from . import views

app_name = "timeline"

urlpatterns = [
    path("timeline/", views.timeline_page, name="timeline"),
    path("claims/", views.claims_page, name="claims"),
    path("api/timeline.json", views.timeline_api, name="api-timeline"),
]
