from django.urls import include, path

from . import views

# The form teachers' pages, namespaced "teacher:" (signin.views lands a
# signed-in form teacher on "teacher:home").
teacher_patterns = [
    path("", views.teacher_home, name="home"),
    path("class/<int:pk>/", views.teacher_class, name="class"),
    path("class/<int:pk>/dashboard/", views.teacher_dashboard, name="dashboard"),
    path("child/<int:pk>/", views.teacher_child, name="child"),
    path("child/<int:pk>/temporary-password/", views.teacher_temporary_password, name="password"),
    path("child/<int:pk>/clear-answers/", views.teacher_clear_answers, name="clear_answers"),
    path("child/<int:pk>/unlock-signin/", views.teacher_unlock_signin, name="unlock_signin"),
    path("child/<int:pk>/unlock-reset/", views.teacher_unlock_reset, name="unlock_reset"),
    path("request/<int:pk>/close/", views.teacher_close_request, name="close_request"),
]

# The public pages are not namespaced: templates/base.html links to "request_reset".
urlpatterns = [
    path("request-reset/", views.request_reset, name="request_reset"),
    path("request-reset/sent/", views.request_reset_sent, name="request_reset_sent"),
    path("request-reset/status/", views.request_reset_status, name="request_reset_status"),
    path("teacher/", include((teacher_patterns, "teacher"))),
]
