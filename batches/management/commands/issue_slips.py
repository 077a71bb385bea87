from typing import Any

from batches.models import Batch

from ._batch_command import BatchCommand


class Command(BatchCommand):
    help = "Give classes or levels new temporary passwords and write the PDF of sign-in slips."
    kind = Batch.Kind.SLIPS

    def params(self, options: dict[str, Any]) -> dict[str, Any]:
        return {"channel": "class", "levels": options["levels"], "classes": options["classes"]}
