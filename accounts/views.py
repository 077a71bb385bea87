from django.http import HttpResponse


def home(request):
    return HttpResponse("todo")


login = logout = account = password_change = home


def ratelimited(request, exception):
    return HttpResponse("slow down", status=429)
