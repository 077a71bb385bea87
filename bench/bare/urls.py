from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.urls import path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world")


@login_required(login_url="/hello/")
def me(request: HttpRequest) -> HttpResponse:
    # The session, the user, and one query of its own.
    return HttpResponse(f"{request.user.username}: {Group.objects.filter(user=request.user).count()} groups")


urlpatterns = [
    path("hello/", hello),
    path("me/", me),
    # Django's own sign-in (bench/signin.py's yardstick; its template needs bench/bare/signin_settings.py).
    path("login/", LoginView.as_view(template_name="login.html")),
]
