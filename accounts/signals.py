"""Signals other apps listen to when a child's account changes hands or closes.

Sent by the one flow for each (accounts/transfers.py, accounts/leavers.py),
after the change is saved, inside its transaction. Receivers connect
decoupled parts (e.g. single sign-on revoking tokens); they hold no rule of
their own about transfers or leavers.

Receivers run inside that transaction, and so also inside an import's
preview, which is rolled back: write only to the database (undone with it),
and put anything outside it (a call to another service) in
``transaction.on_commit``.
"""

from django.dispatch import Signal

# sender=Student; kwargs: student, from_school, to_school, request
student_transferred = Signal()
# sender=Student; kwargs: students (list), request
students_deactivated = Signal()
# sender=Student; kwargs: students (list), request
students_reactivated = Signal()
