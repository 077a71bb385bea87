from tests.batches.conftest import _batch_settings, p3_children, p3_class, p2_children, questions, run_tasks  # noqa: F401
