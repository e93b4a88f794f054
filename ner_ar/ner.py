"""The NER stage: find the model, check its files, build Stanza offline, tag tokenised sentences.

A model directory holds ``ner.pt`` (the Stanza tagger), ``pretrain.pt`` (its word vectors),
optionally ``forward_charlm.pt``/``backward_charlm.pt`` (character language models, for a tagger
trained with them), ``resources.json`` (the minimal index Stanza reads when nothing may be
downloaded) and ``MODEL_CARD.md``/``metrics.json``. Stanza tags whole tokens; clitic trimming happens later, in
``ner_ar.resolve``.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_MODEL = "ar_ner_base"
ENV_MODEL_DIR = "NER_AR_MODEL_DIR"
MODEL_FILE = "ner.pt"
PRETRAIN_FILE = "pretrain.pt"
RESOURCES_FILE = "resources.json"
CHARLM_FILES = ("forward_charlm.pt", "backward_charlm.pt")
# What Stanza needs to build an offline Arabic pipeline out of our two files and nothing else.
# The "ner_ar" entry (ignored by Stanza) records the file sizes the model was shipped with: a
# pretrain swapped for another one of the same shape would load silently and tag garbage.
MINIMAL_RESOURCES: dict[str, dict[str, object]] = {"ar": {"lang_name": "Arabic"}}


class ModelError(RuntimeError):
    """The NER model cannot be found or loaded; the message names the path at fault."""


class ModelFileMissing(ModelError, FileNotFoundError):
    """A file the model needs is not where it should be."""


@dataclass(frozen=True)
class ModelFiles:
    """Paths of one model directory, all checked to exist."""

    directory: Path
    model: Path
    pretrain: Path
    resources: Path
    charlm: tuple[Path, Path] | None = None
    """Forward and backward character LMs, when the tagger was trained with them."""

    @property
    def name(self) -> str:
        return self.directory.name

    @classmethod
    def locate(cls, model_dir: str | os.PathLike[str] | None = None) -> ModelFiles:
        """Resolve the model directory (argument, then ``$NER_AR_MODEL_DIR``, then the shipped
        default) and check every file in it."""
        return cls.check(Path(model_dir) if model_dir is not None else default_model_dir())

    @classmethod
    def check(cls, directory: Path) -> ModelFiles:
        if not directory.is_dir():
            raise ModelFileMissing(f"NER model directory not found: {directory}")
        index = _read_index(directory / RESOURCES_FILE)
        expected = index.get("ner_ar", {}).get("sizes", {})
        charlm_paths = (directory / CHARLM_FILES[0], directory / CHARLM_FILES[1])
        # A model shipped with character LMs lists them in its index; one found beside an older
        # model is used too (the tagger reads them only if it was trained with them).
        uses_charlm = any(name in expected or (directory / name).exists() for name in CHARLM_FILES)
        files = cls(directory, directory / MODEL_FILE, directory / PRETRAIN_FILE,
                    directory / RESOURCES_FILE,
                    charlm_paths if uses_charlm else None)
        # A missing pretrain would load silently and tag garbage; a missing resources.json
        # surfaces in Stanza as KeyError: 'ar'. Check them all up front.
        for path in files.torch_files:
            if not path.is_file():
                raise ModelFileMissing(f"NER model file missing: {path}")
            if path.stat().st_size == 0:
                raise ModelError(f"NER model file is empty: {path}")
            if not _is_torch_file(path):
                raise ModelError(f"not a PyTorch model file: {path}")
        for path in files.torch_files:
            if path.name in expected and expected[path.name] != path.stat().st_size:
                raise ModelError(f"{path} is not the file this model was trained with "
                                 f"({path.stat().st_size} bytes, expected {expected[path.name]})")
        return files

    @property
    def torch_files(self) -> tuple[Path, ...]:
        return (self.model, self.pretrain, *(self.charlm or ()))


def _read_index(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ModelFileMissing(f"NER model file missing: {path}")
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ModelError(f"invalid JSON in {path}: {exc}") from None
    if not isinstance(index, dict) or "ar" not in index:
        raise ModelError(f"{path} has no 'ar' entry; rewrite it with "
                         "ner_ar.ner.write_resources_json")
    return index


# torch.save writes a zip archive, or (Stanza's choice) the legacy pickle starting with this magic.
_TORCH_LEGACY_MAGIC = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19"


def _is_torch_file(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(len(_TORCH_LEGACY_MAGIC))
    return head == _TORCH_LEGACY_MAGIC or zipfile.is_zipfile(path)


@contextlib.contextmanager
def _packaged_files_unpickled_fast(files: ModelFiles) -> Iterator[None]:
    """Stanza reads every file with torch's weights-only unpickler, which rebuilds the pretrain's
    183k-word vocabulary, twice, in pure Python: 1.9 s of a 2.2 s load. The files installed with
    this package are exactly as trusted as its code, so for those (and only those) ``torch.load``
    uses the ordinary C unpickler (0.3 s). A model in any other directory, given by argument or
    ``$NER_AR_MODEL_DIR``, is read by Stanza's safe loader as it stands."""
    if files.directory.resolve() != packaged_model_dir().resolve():
        yield
        return
    import torch

    original = torch.load
    trusted = {path.resolve() for path in files.torch_files}

    def load(f: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(f, (str, os.PathLike)) and Path(f).resolve() in trusted:
            kwargs["weights_only"] = False
        return original(f, *args, **kwargs)

    torch.load = load
    try:
        yield
    finally:
        torch.load = original


@contextlib.contextmanager
def _without_optimizer() -> Iterator[None]:
    """Stanza's NER trainer builds an optimizer even to tag, and the first optimizer imports
    ``torch._dynamo``: about a second and 100 MB spent on something tagging never uses. While
    the pipeline loads, Stanza's optimizer factory returns None instead."""
    try:
        from stanza.models.common import utils
    except ImportError:  # a Stanza without that module builds its pipeline as it likes
        yield
        return
    original = getattr(utils, "get_optimizer", None)
    if original is None:
        yield
        return
    utils.get_optimizer = lambda *args, **kwargs: None
    try:
        yield
    finally:
        utils.get_optimizer = original


def packaged_model_dir() -> Path:
    """The model installed with this package."""
    return Path(str(resources.files("ner_ar_models"))) / DEFAULT_MODEL


def default_model_dir() -> Path:
    env = os.environ.get(ENV_MODEL_DIR)
    if env:
        return Path(env)
    return packaged_model_dir()


def write_resources_json(directory: Path) -> Path:
    """Write the minimal index Stanza needs, with the sizes of the model's files."""
    sizes = {name: (directory / name).stat().st_size
             for name in (MODEL_FILE, PRETRAIN_FILE, *CHARLM_FILES) if (directory / name).is_file()}
    path = directory / RESOURCES_FILE
    path.write_text(json.dumps({**MINIMAL_RESOURCES, "ner_ar": {"sizes": sizes}}, indent=1),
                    encoding="utf-8")
    return path


def bioes_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(start, end, label)`` token spans from BIOES (or BIO) tags; ill-formed runs are closed."""
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, lab = tag.partition("-")
        if start >= 0 and (prefix in ("O", "B", "S") or lab != label):
            spans.append((start, i, label))
            start = -1
        if prefix in ("B", "S") or (prefix in ("I", "E") and start < 0):
            start, label = i, lab
        if prefix in ("E", "S") and start >= 0:
            spans.append((start, i + 1, label))
            start = -1
    return spans


DEFAULT_THREADS = 1
"""Torch threads the tagger uses unless told otherwise. One: with two threads on two cores, any
other CPU-bound process on the machine makes torch's threads wait on each other and tagging
collapses (12,300 -> 244 tokens/s measured), while one thread keeps about 80% of the two-thread
speed on an idle machine and holds up under load. Raise it with ``threads=`` (``--threads``) on a
machine of your own."""


TAG_CHUNK_SENTENCES = 512
"""Sentences handed to Stanza at a time (it sorts each chunk by length into batches)."""


def window_starts(length: int, window: int) -> list[tuple[int, int]]:
    """Overlapping windows ``[start, end)`` of at most ``window`` tokens covering ``[0, length)``:
    each starts three quarters of a window after the one before, so neighbours share a quarter.

    >>> window_starts(10, 4)
    [(0, 4), (3, 7), (6, 10)]
    """
    if window < 2:
        raise ValueError(f"window must be at least 2 tokens, not {window}")
    step = window - max(1, window // 4)
    out = [(0, min(window, length))]
    while out[-1][1] < length:
        start = out[-1][0] + step
        out.append((start, min(start + window, length)))
    return out


def _crossed(tags: Sequence[str], offset: int) -> set[int]:
    """Positions ``c`` (in sentence coordinates) that would cut one of ``tags``' spans in two."""
    return {offset + c for s, e, _ in bioes_spans(tags) for c in range(s + 1, e)}


def stitch(windows: Sequence[tuple[int, int]], tags: Sequence[Sequence[str]]) -> list[str]:
    """One sentence's tags from the tags of its overlapping ``windows``: between two neighbours the
    switch from one window's tags to the next is made where neither puts an entity across it,
    as near the middle of their overlap as possible, so a name in the overlap comes whole from
    one window."""
    out = list(tags[0])
    for k in range(1, len(windows)):
        (p_start, p_end), (start, _) = windows[k - 1], windows[k]
        crossed = _crossed(tags[k - 1], p_start) | _crossed(tags[k], start)
        middle = (start + p_end) // 2
        free = [c for c in range(start, p_end + 1) if c not in crossed]
        cut = min(free, key=lambda c: (abs(c - middle), c)) if free else middle
        out = out[:cut] + list(tags[k][cut - start:])
    return out


class Tagger:
    """Stanza NER over pre-tokenised sentences, fully offline.

    ``threads`` is the number of torch threads used while tagging (default
    :data:`DEFAULT_THREADS`); torch's own setting is restored after each call, so other torch work
    in the same process is not affected.

    >>> tagger = Tagger()                                   # doctest: +SKIP
    >>> tagger.tag([["زار", "بوتين", "كوبا"]])               # doctest: +SKIP
    [['O', 'S-PER', 'S-LOC']]
    """

    def __init__(self, model_dir: str | os.PathLike[str] | None = None, batch_size: int = 128,
                 threads: int | None = None) -> None:
        if threads is not None and (not isinstance(threads, int) or threads < 1):
            raise ValueError(f"threads must be a whole number of at least 1, not {threads!r}")
        self.files = ModelFiles.locate(model_dir)
        self.batch_size = batch_size
        self.threads = threads or DEFAULT_THREADS
        self._pipeline = self._load()

    @contextlib.contextmanager
    def _threads(self) -> Iterator[None]:
        import torch

        before = torch.get_num_threads()
        if before != self.threads:
            torch.set_num_threads(self.threads)
        try:
            yield
        finally:
            if before != self.threads:
                torch.set_num_threads(before)

    def _load(self) -> object:
        import stanza

        charlm = {}
        if self.files.charlm:
            charlm = {"ner_forward_charlm_path": str(self.files.charlm[0]),
                      "ner_backward_charlm_path": str(self.files.charlm[1])}
        try:
            # Stanza logs its load table at INFO to stdout: keep the library quiet.
            with contextlib.redirect_stdout(io.StringIO()), _without_optimizer(), \
                    _packaged_files_unpickled_fast(self.files), self._threads():
                return stanza.Pipeline(
                    lang="ar", dir=str(self.files.directory), processors="tokenize,ner",
                    tokenize_pretokenized=True, download_method=None, use_gpu=False,
                    ner_model_path=str(self.files.model), ner_pretrain_path=str(self.files.pretrain),
                    ner_batch_size=self.batch_size, logging_level="WARN", **charlm,
                )
        except Exception as exc:  # torch/stanza errors are opaque to users
            raise ModelError(f"could not load the NER model in {self.files.directory}: "
                             f"{type(exc).__name__}: {exc}") from exc

    @property
    def labels(self) -> list[str]:
        """Entity labels the model predicts."""
        proc = self._pipeline.processors["ner"]  # type: ignore[attr-defined]
        return sorted(proc.get_known_tags())

    def tag(self, sentences: Sequence[Sequence[str]], window: int | None = None) -> list[list[str]]:
        """BIOES tags for each token of each sentence (same shape as the input).

        With ``window`` (tokens), a sentence longer than that is tagged in overlapping windows of
        that size (:func:`window_starts`), joined where no entity crosses (:func:`stitch`): memory
        stays bounded and no name is cut in two at a window's edge."""
        if window is None or all(len(s) <= window for s in sentences):
            return self._tag(sentences)
        plan: list[list[tuple[int, int]]] = []
        flat: list[Sequence[str]] = []
        for sent in sentences:
            spans = window_starts(len(sent), window) if len(sent) > window else [(0, len(sent))]
            plan.append(spans)
            flat.extend(sent[s:e] for s, e in spans)
        tagged = self._tag(flat)
        out: list[list[str]] = []
        pos = 0
        for spans in plan:
            out.append(stitch(spans, tagged[pos:pos + len(spans)]))
            pos += len(spans)
        return out

    def _tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        from stanza.models.common.doc import Document as StanzaDocument

        tags: list[list[str]] = [[] for _ in sentences]
        # Stanza cannot process an empty sentence: tag the others, leave those empty.
        todo = [i for i, sent in enumerate(sentences) if len(sent)]
        if not todo:
            return tags
        with self._threads():
            # A Stanza Document costs about a kilobyte a token: a long text goes through in
            # chunks, so memory stays bounded whatever its length.
            for c in range(0, len(todo), TAG_CHUNK_SENTENCES):
                chunk = todo[c:c + TAG_CHUNK_SENTENCES]
                # Build the Stanza Document directly: tokens are ours, offsets are kept by the caller.
                doc = StanzaDocument([[{"id": (i + 1,), "text": tok} for i, tok in enumerate(sentences[j])]
                                      for j in chunk])
                self._pipeline.processors["ner"].process(doc)  # type: ignore[attr-defined]
                for j, sent in zip(chunk, doc.sentences, strict=True):
                    tags[j] = [tok.ner or "O" for tok in sent.tokens]
        return tags
