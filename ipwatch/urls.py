from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("ipwatch.geocoding.urls")),
    path("", include("ipwatch.maps.urls")),
    path("", include("ipwatch.timeline.urls")),
    path("", include("ipwatch.exchange.urls")),
    path("", include("ipwatch.public.urls")),
]
