"""The provider's endpoints. Only what the code flow needs: no device flow, no
dynamic registration, no self-service application pages (MOE IT registers
apps in the admin or with ``manage.py createapplication``)."""

from django.urls import include, path
from oauth2_provider import views as oauth_views

from . import views

provider_patterns = [
    path("o/authorize/", views.AuthorizationView.as_view(), name="authorize"),
    path("o/token/", views.TokenView.as_view(), name="token"),
    path("o/revoke/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("o/userinfo/", oauth_views.UserInfoView.as_view(), name="user-info"),
    path("o/logout/", oauth_views.RPInitiatedLogoutView.as_view(), name="rp-initiated-logout"),
    # The issuer is the portal's own address, so discovery is at its root.
    path(".well-known/openid-configuration", oauth_views.ConnectDiscoveryInfoView.as_view(),
         name="oidc-connect-discovery-info"),
    path(".well-known/jwks.json", oauth_views.JwksInfoView.as_view(), name="jwks-info"),
]

urlpatterns = [
    path("", include((provider_patterns, "oauth2_provider"))),
]
