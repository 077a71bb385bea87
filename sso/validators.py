"""The OpenID Connect validator: our claims, and no token for a person who
may not have one (locked, deactivated, or not of the app's levels)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from oauth2_provider.models import Grant
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors

from . import access, events
from .models import Subject
from .revocation import revoke_tokens

# A used code is kept, marked by this expiry, so that a second use is seen
# (and revokes what the first one gave: RFC 6749 4.1.2) rather than unknown.
USED_CODE = datetime(1970, 1, 1, tzinfo=UTC)

# What the claims read about a person, fetched with them.
USER_RELATED = (
    "user__student__school", "user__student__school_class", "user__teacher__school", "user__oidc_subject",
)

# Our own scopes, each opening one group of claims (docs/sso.md).
SCOPE_CLAIMS = {
    "sub": "openid",
    "name": "profile",
    "preferred_username": "profile",
    "email": "email",
    "school": "school",
    "class": "class",
    "role": "role",
}


def role_of(user) -> str:
    if user.is_superuser:
        return "moe_it"
    if user.is_student:
        return "student"
    if user.is_school_admin:
        return "school_ict_admin"
    if user.is_form_teacher:
        return "teacher"
    return "staff"


def claims_for(user) -> dict[str, Any]:
    """Every claim we can give about ``user``; the scopes pick which are sent."""
    student = user.student if user.is_student else None
    teacher = user.teacher if student is None and user.is_form_teacher else None
    school = student.school if student else teacher.school if teacher else None
    claims: dict[str, Any] = {
        "sub": Subject.of(user),
        "preferred_username": user.login_id,
        "name": student.full_name if student else (user.get_full_name() or user.username),
        "role": role_of(user),
    }
    # A child's mailbox is their login ID; staff have the address on their account.
    if email := (user.login_id if student else user.email):
        claims["email"] = email
    if school is not None:
        claims["school"] = {"code": school.code, "name": school.name}
    if student is not None and (school_class := student.school_class) is not None:
        claims["class"] = {
            "name": school_class.name,
            "level": school_class.get_level_display(),
            "year": school_class.year,
        }
    return claims


class MimsOAuth2Validator(OAuth2Validator):
    oidc_claim_scope = SCOPE_CLAIMS

    def get_claim_dict(self, request) -> dict[str, Any]:
        return claims_for(request.user)

    def get_discovery_claims(self, request) -> list[str]:
        return list(SCOPE_CLAIMS)

    def _refuse(self, request, client) -> bool:
        """True (and noted for the audit) when this person gets no token."""
        events.note(user=request.user, client=client)
        if reason := access.refusal(request.user, client.client_id if client is not None else None):
            events.note(reason=reason)
            return True
        return False

    def validate_code(self, client_id, code, client, request, *args, **kwargs) -> bool:
        """django-oauth-toolkit's check, with the person and what the claims
        need loaded in one query, and the grant kept for the PKCE and nonce
        look-ups that follow (each was a query of its own)."""
        grant = getattr(request, "mims_grant", None)
        if grant is None or grant.code != code or grant.application_id != client.pk:
            grant = Grant.objects.select_related(*USER_RELATED).filter(code=code, application=client).first()
        if grant is not None and grant.expires == USED_CODE:
            events.note(user=grant.user, client=client, reason="code_reused")
            revoke_tokens(grant.user, "code_reused", application=client)
            return False
        if grant is None or grant.is_expired():
            return False
        request.scopes = grant.scope.split(" ")
        request.user = grant.user
        if grant.nonce:
            request.nonce = grant.nonce
        if grant.claims:
            request.claims = json.loads(grant.claims)
        request.mims_grant = grant
        return not self._refuse(request, client)

    def get_authorization_code_scopes(self, client_id, code, redirect_uri, request) -> list[str]:
        # Asked first (to tell OpenID from plain OAuth requests): fetch the
        # grant for validate_code here, and check it belongs to the app there.
        request.mims_grant = Grant.objects.select_related(*USER_RELATED).filter(code=code).first()
        return request.mims_grant.scope.split() if request.mims_grant is not None else []

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs) -> None:
        """Mark the code used (instead of deleting it); one request wins a race."""
        used = Grant.objects.filter(code=code, application=request.client).exclude(expires=USED_CODE)
        if not used.update(expires=USED_CODE):
            raise errors.InvalidGrantError(request=request)

    def _grant(self, code, request) -> Grant:
        grant = getattr(request, "mims_grant", None)
        if grant is not None and grant.code == code and grant.application_id == request.client.pk:
            return grant
        return Grant.objects.get(code=code, application=request.client)

    def get_code_challenge(self, code, request) -> str | None:
        return self._grant(code, request).code_challenge or None

    def get_code_challenge_method(self, code, request) -> str | None:
        return self._grant(code, request).code_challenge_method or None

    def get_authorization_code_nonce(self, client_id, code, redirect_uri, request) -> str | None:
        return self._grant(code, request).nonce or None

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs) -> bool:
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        return valid and not self._refuse(request, client)

    def _save_bearer_token(self, token, request, *args, **kwargs):
        events.note(user=request.user, client=request.client, issued=True, grant_type=request.grant_type)
        return super()._save_bearer_token(token, request, *args, **kwargs)

