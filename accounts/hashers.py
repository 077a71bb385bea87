"""The portal's password hasher: Argon2id with parameters chosen for a school morning.

Django's default Argon2 (t=2, m=100 MiB, p=8) costs about 105 ms and 1.7 cores per verify on our
2-core servers. OWASP's current minimum of m=46 MiB, t=1, p=1 keeps the memory hardness that makes
guessing on graphics cards expensive, runs in one thread (a server's workers already fill every core, so
lanes only add thread overhead), and gives several times the sign-ins per core-hour. The numbers behind
the choice are in docs/benchmarks.md ("Choosing the hash"), from ``bench/hashes.py``.

The algorithm name stays ``argon2`` and Argon2 reads the parameters from each stored hash, so hashes made
with other parameters still verify; Django's ``must_update`` then re-hashes a password with these on the
next successful sign-in, and ``sspr.answers.check_answer`` does the same for challenge answers.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class MimsArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 46 * 1024  # KiB
    parallelism = 1
