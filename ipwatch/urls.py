from django.contrib import admin
from django.urls import include, path

# Analyst login/logout live in ipwatch.public (/accounts/login/, brute-force protected by
# django-axes). No password-reset views: they would send mail, and no mail server is configured.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("ipwatch.geocoding.urls")),
    path("", include("ipwatch.maps.urls")),
    path("", include("ipwatch.activity.urls")),
    path("", include("ipwatch.timeline.urls")),
    path("", include("ipwatch.exchange.urls")),
    path("", include("ipwatch.public.urls")),
]
