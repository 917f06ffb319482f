from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("api/incidents.csv", views.incidents_csv, name="incidents-csv"),
    path("api/reports.csv", views.reports_csv, name="reports-csv"),
    path("api/incidents.xlsx", views.incidents_xlsx, name="incidents-xlsx"),
    path("api/datapackage.json", views.datapackage, name="datapackage"),
]
