from django.urls import path

from . import views

app_name = "sspr"
urlpatterns = [
    path("", views.start, name="start"),
    path("questions/", views.questions, name="questions"),
    path("password/", views.password, name="password"),
    path("done/", views.done, name="done"),
    path("setup/", views.setup, name="setup"),
]
