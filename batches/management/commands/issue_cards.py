from typing import Any

from batches.models import Batch

from ._batch_command import BatchCommand


class Command(BatchCommand):
    help = "Make challenge cards (new school-set answers) for Primary 2-3 classes or levels and write the PDF."
    kind = Batch.Kind.CARDS

    def params(self, options: dict[str, Any]) -> dict[str, Any]:
        return {"reissue": False, "levels": options["levels"], "classes": options["classes"]}
