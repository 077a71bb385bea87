from django.urls import path

from . import views

app_name = "sspr"
urlpatterns = [
    path("setup/", views.setup, name="setup"),
]
