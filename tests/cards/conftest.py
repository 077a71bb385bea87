from tests.batches.conftest import _batch_settings, p2_children, p3_children, p3_class, questions, run_tasks  # noqa: F401
