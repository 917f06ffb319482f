from django.urls import path

from . import views

app_name = "maps"

urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("api/incidents.geojson", views.incidents_geojson, name="incidents-geojson"),
    path("api/incidents.map.json", views.incidents_map_data, name="incidents-map-data"),
    path("api/basemap/labels.json", views.basemap_labels, name="basemap-labels"),
]
