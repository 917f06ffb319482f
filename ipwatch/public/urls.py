from django.contrib.auth import views as auth_views
from django.urls import path

from ipwatch.core.cache import province_in_path, public_cache

from . import feeds, views

app_name = "public"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/export.csv", views.incident_export, name="incident-export"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("provinces/", views.province_list, name="province-list"),
    path("provinces/<slug:slug>/", views.province_detail, name="province-detail"),
    path("sources/", views.source_list, name="source-list"),
    path("about/", views.about, name="about"),
    path("about/codebook/", views.codebook_page, name="codebook"),
    path("api/", views.api_page, name="api"),
    path("api/openapi.json", views.openapi_json, name="openapi"),
    path("feeds/incidents.atom", public_cache(feeds.incidents_feed), name="incidents-feed"),
    path(
        "provinces/<slug:slug>/feed.atom",
        public_cache(feeds.province_feed, provinces=province_in_path),
        name="province-feed",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="public:overview"), name="logout"),
]
