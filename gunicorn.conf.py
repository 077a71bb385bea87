"""gunicorn settings for the portal (read by default from the working directory).

    gunicorn                  # from the repository root, with the production environment
    kill -HUP <master pid>    # graceful restart: new workers start, old ones finish their requests

Every value can be overridden with GUNICORN_* variables (docs/operations.md), and the
proxy's address with gunicorn's own FORWARDED_ALLOW_IPS.
"""

import os

wsgi_app = "mims_portal.wsgi:application"
bind = os.getenv("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Workers from the cores: a sign-in is mostly Argon2 (CPU), a page mostly waits a
# few milliseconds on PostgreSQL, so two per core plus one keeps every core busy
# without queueing Argon2 hashes (about 100 MiB each) beyond what memory holds.
workers = int(os.getenv("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))

# A request that takes longer than this is stuck: the master kills the worker and
# starts a new one. On SIGHUP/SIGTERM a worker gets graceful_timeout to finish.
timeout = int(os.getenv("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.getenv("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Keep an idle connection from the proxy open a few seconds: no reconnect per request.
keepalive = 5
# Recycle each worker after a while (staggered), so a slow leak never grows.
max_requests = int(os.getenv("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

# The access log never holds a query string: %(U)s is the path alone (a reset
# link or a search for a child's name stays out of the logs), and no referrer.
# %(h)s is the proxy; the forwarded-for chain shows who it was for.
accesslog = os.getenv("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.getenv("GUNICORN_LOG_LEVEL", "info")

# No control socket under ~/.gunicorn: the service user may have no home, and
# nothing here uses it (the same as --no-control-socket).
control_socket_disable = True


def child_exit(server, worker):
    """A worker's metrics files go with it (prometheus-client's multiprocess mode)."""
    if os.getenv("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
