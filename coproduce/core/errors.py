"""Error pages in the site's design and language."""

from django.shortcuts import render


def forbidden(request, exception=None):
    return render(request, "core/error.html", {"status": 403}, status=403)


def not_found(request, exception=None):
    return render(request, "core/error.html", {"status": 404}, status=404)


def server_error(request):
    return render(request, "core/error.html", {"status": 500}, status=500)


def too_many_requests(request, exception=None):
    return render(request, "core/error.html", {"status": 429}, status=429)
