from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("staff/sign-in/", views.staff_login, name="staff_login"),
    path("logout/", views.logout, name="logout"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/password/check/", views.password_check, name="password_check"),
    path("account/sessions/", views.session_list, name="sessions"),
    path("signed-out/", views.signed_out, name="signed_out"),
]
