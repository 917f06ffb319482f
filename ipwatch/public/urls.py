from django.urls import path

from . import views

app_name = "public"

# Minimal pages from the foundation; the public-site issue builds the full set.
urlpatterns = [
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("provinces/<slug:slug>/", views.province_detail, name="province-detail"),
]
