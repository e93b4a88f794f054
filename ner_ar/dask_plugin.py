"""The Dask worker plugin of ``ner_ar.distributed`` (kept apart: importing it imports Dask)."""

from __future__ import annotations

import hashlib

from distributed.diagnostics.plugin import WorkerPlugin

from ner_ar.distributed import _EXTRACTORS, _LOCK, WorkerOptions, cached_extractor


class ExtractorPlugin(WorkerPlugin):
    """Loads the model once in every worker process, also in workers that join or restart later.

    Tasks then find it with ``ner_ar.distributed.cached_extractor(options)``; a worker whose setup
    raised (``ModelError``) makes ``Client.register_plugin`` raise.
    """

    idempotent = True  # registering the same configuration again keeps the loaded model

    def __init__(self, options: WorkerOptions) -> None:
        self.options = options
        digest = hashlib.sha1(repr(options.extractor_key).encode()).hexdigest()[:10]
        self.name = f"ner_ar-extractor-{digest}"

    def setup(self, worker: object) -> None:
        cached_extractor(self.options)

    def teardown(self, worker: object) -> None:
        with _LOCK:
            _EXTRACTORS.pop(self.options.extractor_key, None)
