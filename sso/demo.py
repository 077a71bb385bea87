"""The demo school apps that ``seed_demo`` registers (stand-ins: the real SLS,
Student iCON mail and media library are registered by MOE IT)."""

from __future__ import annotations

from oauth2_provider.models import Application

from .models import SchoolApp

DEMO_APPS = [
    {
        "client_id": "demo-learning-space",
        "name": "Learning space",
        "description": "Your lessons and homework",
        "icon": "LS",
        "port": 8001,
        "levels": [],
    },
    {
        "client_id": "demo-student-mail",
        "name": "Mail",
        "description": "Write to your teachers and classmates",
        "icon": "M",
        "port": 8002,
        "levels": [3, 4, 5, 6],
    },
    {
        "client_id": "demo-media-library",
        "name": "Media library",
        "description": "Books, videos and pictures to learn with",
        "icon": "ML",
        "port": 8003,
        "levels": [],
    },
]


def seed_demo_apps() -> int:
    """Register (or put back) the demo apps; returns how many were new."""
    created = 0
    for order, spec in enumerate(DEMO_APPS):
        base = f"http://127.0.0.1:{spec['port']}"
        app, new = Application.objects.update_or_create(
            client_id=spec["client_id"],
            defaults={
                "name": spec["name"],
                "client_type": Application.CLIENT_PUBLIC,
                "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
                "redirect_uris": f"{base}/oidc/callback/",
                "post_logout_redirect_uris": f"{base}/",
                "algorithm": Application.RS256_ALGORITHM,
                "skip_authorization": True,  # a school app: no consent page
            },
        )
        SchoolApp.objects.update_or_create(
            application=app,
            defaults={
                "launch_url": f"{base}/",
                "description": spec["description"],
                "icon": spec["icon"],
                "levels": spec["levels"],
                "order": order,
            },
        )
        created += new
    return created
