from django.urls import path

from . import views

app_name = "geocoding"

urlpatterns = [
    path("geocoding/suggest/", views.suggest, name="suggest"),
]
