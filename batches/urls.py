from django.urls import path

from . import views

app_name = "batches"
urlpatterns = [
    path("", views.index, name="index"),
    path("class/<int:pk>/", views.class_page, name="class"),
    path("school/<int:pk>/", views.school_page, name="school"),
    path("school/<int:pk>/promote/", views.promote_page, name="promote"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status.json", views.status, name="status"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/resume/", views.resume, name="resume"),
]
