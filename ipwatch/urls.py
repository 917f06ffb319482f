from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

# Analyst login (brute-force protected by django-axes) and logout. Not the whole
# django.contrib.auth.urls: password reset would send mail, and no mail server is configured.
account_urls = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(account_urls)),
    path("", include("ipwatch.geocoding.urls")),
    path("", include("ipwatch.maps.urls")),
    path("", include("ipwatch.timeline.urls")),
    path("", include("ipwatch.exchange.urls")),
    path("", include("ipwatch.public.urls")),
]
