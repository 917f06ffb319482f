from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("api/incidents.csv", views.incidents_csv, name="incidents-csv"),
]
