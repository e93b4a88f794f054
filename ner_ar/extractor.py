"""The Extractor: text in, ``schema.Document`` out. Loads the model once; batches in ``pipe``.

It runs the pipeline of :mod:`ner_ar.pipeline`: ``normalize``, ``segment`` and ``tag`` batched
over the documents of a batch, then each document through the named stages of
:func:`~ner_ar.pipeline.default_stages` (completion, resolution, relations); ``Extractor.stages``
lists every stage name in order. ``normalize`` (:mod:`ner_ar.normalize`) gives the later stages an
analysis text (no format characters or markup residue, one kind of space and line break) and a
map of its offsets, through which every offset of the returned Document indexes the caller's
original string.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Literal

from spacy.tokens import Doc

from ner_ar import __version__
from ner_ar.docstate import state
from ner_ar.errors import UserDataError
from ner_ar.gazetteer.user import UserGazetteer
from ner_ar.ner import Tagger, bioes_spans
from ner_ar.normalize import Normalized, check_text, normalize
from ner_ar.pipeline import BATCH_STAGES, default_stages, run_stages
from ner_ar.relations.engine import load_engine
from ner_ar.schema import Document, Sentence, Span
from ner_ar.text import LINE_BREAK_MODES, MAX_SENTENCE_TOKENS, LineBreaks, Segmented, segment

log = logging.getLogger(__name__)

TAG_GROUP_SENTENCES = 64
"""``pipe`` tags documents in groups of at least this many sentences and yields each as soon as
its group is done (measured: as fast as tagging 32 documents at once)."""

OnError = Literal["raise", "skip"]
PathArg = str | os.PathLike[str]

__all__ = ["ExtractionError", "Extractor", "InvalidTextError", "UserDataError"]


class ExtractionError(RuntimeError):
    """One document could not be processed; ``doc_id`` says which."""

    def __init__(self, doc_id: str | None, message: str) -> None:
        super().__init__(f"document {doc_id!r}: {message}" if doc_id is not None else message)
        self.doc_id = doc_id


class InvalidTextError(ExtractionError, ValueError):
    """The text is a ``str`` that is not text: it holds a lone surrogate (U+D800-U+DFFF, as
    ``errors="surrogateescape"`` decoding leaves them). The message names the document and the
    character offset; such text is refused, never repaired (:func:`ner_ar.normalize.check_text`).
    Both an :class:`ExtractionError` and a ``ValueError``."""


def _checked(text: object, doc_id: str | None) -> str:
    try:
        return check_text(text)
    except ValueError as exc:
        raise InvalidTextError(doc_id, str(exc)) from None


def _paths(value: PathArg | Sequence[PathArg] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, os.PathLike)):
        return (os.fspath(value),)
    return tuple(os.fspath(v) for v in value)


class Extractor:
    """Arabic entities, relations and their evidence, with exact character offsets.

    >>> ex = Extractor()                                    # doctest: +SKIP
    >>> doc = ex.extract("زار وزير الخارجية الروسي سيرغي لافروف كوبا.")  # doctest: +SKIP
    >>> [(e.name, e.type.value) for e in doc.entities]      # doctest: +SKIP
    [('روسيا', 'GPE'), ('سيرغي لافروف', 'PER'), ('كوبا', 'GPE')]
    """

    def __init__(self, model_dir: str | os.PathLike[str] | None = None, *,
                 gazetteer: PathArg | Sequence[PathArg] | None = None,
                 rules: PathArg | Sequence[PathArg] | None = None,
                 ner_batch_size: int = 128, max_sentence_tokens: int = MAX_SENTENCE_TOKENS,
                 threads: int | None = None, line_breaks: LineBreaks = "auto",
                 markup: bool = True) -> None:
        """Load the model (``model_dir``, default the shipped one) and the users' data.

        ``gazetteer``: one or more UTF-8 TSV files of the user's own names
        (:mod:`ner_ar.gazetteer.user`: ``name  type  kb_id  aliases``); ``rules``: one or more YAML
        rule files in the shipped rules' schema (docs/rules.md), run after the shipped rules.
        Both are checked before the model loads and affect this Extractor only. Raises
        :class:`~ner_ar.errors.UserDataError` (file and line) for a bad user file and
        :class:`~ner_ar.ner.ModelError` for a missing model file.

        ``line_breaks``: how a single line break is read, ``"auto"`` (a space inside hard-wrapped
        paragraphs, else a sentence end), ``"sentence"`` or ``"space"`` (see
        :data:`ner_ar.text.LINE_BREAK_MODES`); a blank line always ends a sentence.
        ``markup``: decode character references and drop HTML-like tags for analysis (default).
        ``max_sentence_tokens``: longer sentences are tagged in overlapping windows of this many
        tokens and cut, where no entity is, into sentences of at most this many. ``threads``:
        torch threads while tagging (default :data:`ner_ar.ner.DEFAULT_THREADS`). Bad values raise
        ``ValueError`` before anything loads."""
        if line_breaks not in LINE_BREAK_MODES:
            raise ValueError(f"line_breaks must be one of {LINE_BREAK_MODES}, not {line_breaks!r}")
        if not isinstance(max_sentence_tokens, int) or max_sentence_tokens < 2:
            raise ValueError(f"max_sentence_tokens must be at least 2, not {max_sentence_tokens!r}")
        self.line_breaks: LineBreaks = line_breaks
        self.markup = markup
        self.tag_group_sentences = TAG_GROUP_SENTENCES
        self.gazetteer_files = _paths(gazetteer)
        self.rule_files = _paths(rules)
        self.user_gazetteer = UserGazetteer.from_files(self.gazetteer_files)
        self.engine = load_engine(self.rule_files)
        self.tagger = Tagger(model_dir, batch_size=ner_batch_size, threads=threads)
        self.max_sentence_tokens = max_sentence_tokens
        self.meta = {"model": self.tagger.files.name, "ner_ar": __version__}
        self._stages = default_stages(self.user_gazetteer, self.engine)

    @property
    def stages(self) -> list[str]:
        """Every stage's name, in the order the pipeline runs them."""
        return [*BATCH_STAGES, *(s.name for s in self._stages)]

    @property
    def model_dir(self) -> str:
        return str(self.tagger.files.directory)

    def extract(self, text: str, doc_id: str | None = None) -> Document:
        """Extract entities and relations from one text, of any length.

        Raises ``TypeError`` when ``text`` is not a ``str``, :class:`InvalidTextError` (a
        ``ValueError``) naming the position of a lone surrogate in it (such text is refused, not
        repaired), and :class:`ExtractionError` when the pipeline fails on it."""
        return next(self._run([(_checked(text, doc_id), doc_id)]))

    def pipe(self, texts: Iterable[str], batch_size: int = 32,
             doc_ids: Iterable[str | None] | None = None,
             on_error: OnError = "raise") -> Iterator[Document]:
        """Extract from many texts, batching their sentences through the tagger.

        Documents come out in input order. With ``on_error="skip"`` an item that is not a string,
        holds a lone surrogate, or fails is logged and skipped and the others still come out; with
        ``"raise"`` (default) the documents before it are yielded, then the error is raised
        (``TypeError``/:class:`InvalidTextError` as :meth:`extract` raises them, else
        :class:`ExtractionError`).
        """
        ids = iter(doc_ids) if doc_ids is not None else None
        items = ((t, next(ids, None) if ids is not None else None) for t in texts)
        while batch := list(islice(items, max(1, batch_size))):
            good: list[tuple[str, str | None]] = []
            for text, doc_id in batch:
                try:
                    good.append((_checked(text, doc_id), doc_id))
                except (TypeError, InvalidTextError) as exc:
                    yield from self._run(good, on_error)
                    good = []
                    if on_error == "raise":
                        raise
                    log.warning("skipping document %r: %s", doc_id, exc)
            yield from self._run(good, on_error)

    # -- the stages ---------------------------------------------------------------------------

    def _run(self, items: list[tuple[str, str | None]], on_error: OnError = "raise") -> Iterator[Document]:
        prepared: list[tuple[Normalized, Segmented, str | None]] = []
        for text, doc_id in items:
            try:
                norm = normalize(text, markup=self.markup)  # stage "normalize"
                prepared.append((norm, segment(norm.text, self.line_breaks), doc_id))  # "segment"
            except Exception as exc:
                self._fail(doc_id, exc, on_error)
        # Tag a few documents at a time and hand each on as soon as it is done, so documents come
        # out steadily (a progress bar moves per document); groups of this many sentences keep
        # the tagger's batches as full as one call for the whole batch would.
        group: list[tuple[Normalized, Segmented, str | None]] = []
        sentences = 0
        for item in prepared:
            group.append(item)
            sentences += len(item[1].layout.bounds)
            if sentences >= self.tag_group_sentences:
                yield from self._tag_and_build(group, on_error)
                group, sentences = [], 0
        if group:
            yield from self._tag_and_build(group, on_error)

    def _tag_and_build(self, prepared: list[tuple[Normalized, Segmented, str | None]],
                       on_error: OnError) -> Iterator[Document]:
        inputs = [seg.tagger_sentences() for _, seg, _ in prepared]
        try:  # stage "tag"
            tags = self.tagger.tag([f for forms, _ in inputs for f in forms],
                                   window=self.max_sentence_tokens)
        except Exception as exc:
            if len(prepared) == 1:
                self._fail(prepared[0][2], exc, on_error)
                return
            # One bad document must not sink the batch: retry each on its own.
            for item in prepared:
                yield from self._tag_and_build([item], on_error)
            return
        pos = 0
        for (norm, seg, doc_id), (forms, where) in zip(prepared, inputs, strict=True):
            n = len(forms)
            try:
                sdoc, sentences = self._to_doc(seg, tags[pos:pos + n], where)
                doc = self._build(sdoc, norm, seg, sentences, doc_id)
            except Exception as exc:
                self._fail(doc_id, exc, on_error)
                continue
            finally:
                pos += n
            yield doc

    def _to_doc(self, seg: Segmented, tags: list[list[str]], where: list[list[int]]
                ) -> tuple[Doc, list[tuple[int, int]]]:
        """The tagged Doc of one segmented text and its sentences (word ranges)."""
        spans = seg.entity_spans(tags, where, bioes_spans)
        spans, sentences, joined = seg.finish(spans, self.max_sentence_tokens)
        return seg.to_doc(spans, sentences, joined), sentences

    def tagged(self, text: str) -> Doc:
        """The spaCy Doc of ``text`` after ``normalize``, ``segment`` and ``tag``, as the later
        stages receive it (its text is the analysis text; ``doc.ents`` hold the tagger's spans).
        For tools and benchmarks that run later stages themselves."""
        norm = normalize(_checked(text, None), markup=self.markup)
        seg = segment(norm.text, self.line_breaks)
        forms, where = seg.tagger_sentences()
        return self._to_doc(seg, self.tagger.tag(forms, window=self.max_sentence_tokens), where)[0]

    @staticmethod
    def _fail(doc_id: str | None, exc: Exception, on_error: OnError) -> None:
        """Raise a typed error naming the document, or log and skip it."""
        if on_error == "raise":
            raise ExtractionError(doc_id, f"{type(exc).__name__}: {exc}") from exc
        log.warning("skipping document %r: %s: %s", doc_id, type(exc).__name__, exc)

    def _build(self, sdoc: Doc, norm: Normalized, seg: Segmented,
               sentences: list[tuple[int, int]], doc_id: str | None) -> Document:
        """Run the later stages on ``sdoc``; every offset they give (into the analysis text) is
        mapped back to the original string, and every span's text read from it."""
        st = state(run_stages(sdoc, self._stages))
        assert st.resolution is not None
        original = norm.original

        def back(span: Span) -> dict[str, object]:
            start, end = norm.span(span.start, span.end)
            return {"start": start, "end": end, "text": original[start:end]}

        entities = [ent.model_copy(update={"mentions": [m.model_copy(update=back(m))
                                                        for m in ent.mentions]})
                    for ent in st.resolution.entities]
        relations = [rel.model_copy(update={"evidence": [e.model_copy(update=back(e))
                                                         for e in rel.evidence]})
                     for rel in st.relations]
        words = seg.words
        spans = (norm.span(words[a].idx, words[b - 1].idx + len(words[b - 1].text))
                 for a, b in sentences)
        return Document(id=doc_id, text=original,
                        sentences=[Sentence(start=s, end=e, text=original[s:e]) for s, e in spans],
                        entities=entities, relations=relations, meta=dict(self.meta))
