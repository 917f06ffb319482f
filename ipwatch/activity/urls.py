from django.urls import path

from . import views

app_name = "activity"

urlpatterns = [
    path("api/activity.geojson", views.activity_geojson, name="geojson"),
    path("api/activity.csv", views.activity_csv, name="csv"),
]
