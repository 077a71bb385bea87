from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse
from django.urls import path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world")


@login_required(login_url="/hello/")
def me(request: HttpRequest) -> HttpResponse:
    # The session, the user, and one query of its own.
    return HttpResponse(f"{request.user.username}: {Group.objects.filter(user=request.user).count()} groups")


urlpatterns = [path("hello/", hello), path("me/", me)]
