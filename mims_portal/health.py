"""``/health/`` for a load balancer: 200 when the database, the cache and the task queue
answer, 503 otherwise. The checks are django-health-check's; the answer is one plain
line per check, "OK" or "unavailable", and never an error text (which may name hosts)."""

from __future__ import annotations

import dataclasses

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django_tasks_db.models import DBTaskResult
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from . import outages


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The batches' queue (django-tasks-db) can be read."""

    async def run(self) -> None:
        try:
            await DBTaskResult.objects.aexists()
        except DatabaseError as e:
            raise ServiceUnavailable("Task queue unreachable") from e


# Which outage a failed check means (mims_portal/outages.py logs it once).
SERVICES = {"Database": "database", "TaskQueue": "database", "Cache": "cache"}


class HealthView(HealthCheckView):
    checks = ("health_check.checks.Database", "health_check.checks.Cache", "mims_portal.health.TaskQueue")

    async def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        await super().get(request, *args, **kwargs)  # runs the checks into self.results
        for r in self.results:
            if r.error:
                outages.noticed(SERVICES[r.check.labels["check"]], "health check")
        lines = [f"{r.check.labels['check']}: {'unavailable' if r.error else 'OK'}" for r in self.results]
        healthy = not any(r.error for r in self.results)
        return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8",
                            status=200 if healthy else 503)  # fmt: skip


health = HealthView.as_view()
