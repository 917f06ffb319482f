from django.urls import path

from . import pages, views

app_name = "activity"

urlpatterns = [
    path("api/activity.geojson", views.activity_geojson, name="geojson"),
    path("api/activity.csv", views.activity_csv, name="csv"),
    path("activity/", pages.activity_list, name="list"),
    path("activity/<int:pk>/", pages.activity_detail, name="detail"),
]
