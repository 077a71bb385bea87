"""The portal's settings with Django's default Argon2 (t=2, m=100 MiB, p=8) instead of ours.

Issue 17 quotes its 0.84 with Django's default hasher; ``bench/signin.py`` measures that row too, so the
two ratios come from one run. Only the hasher differs; nothing here is for production.
"""

from mims_portal.settings import *  # noqa: F403
from mims_portal.settings import PASSWORD_HASHERS

# Ours is replaced, not kept behind: both are called "argon2", and Django looks a stored hash's hasher up by
# that name.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    *(h for h in PASSWORD_HASHERS if h != "accounts.hashers.MimsArgon2PasswordHasher"),
]
