"""The Extractor: text in, ``schema.Document`` out. Loads the model once; batches in ``pipe``.

It runs the pipeline of :mod:`ner_ar.pipeline`: ``segment`` and ``tag`` batched over the
documents of a batch, then each document through the named stages of
:func:`~ner_ar.pipeline.default_stages` (completion, resolution, relations); ``Extractor.stages``
lists every stage name in order.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Literal

from spacy.tokens import Doc, Span

from ner_ar import __version__
from ner_ar.docstate import state
from ner_ar.errors import UserDataError
from ner_ar.gazetteer.user import UserGazetteer
from ner_ar.ner import Tagger, bioes_spans
from ner_ar.pipeline import BATCH_STAGES, default_stages, run_stages
from ner_ar.relations.engine import load_engine
from ner_ar.schema import Document, Sentence
from ner_ar.text import MAX_SENTENCE_TOKENS, split_sentences, tagger_form, tokenizer

log = logging.getLogger(__name__)

OnError = Literal["raise", "skip"]
PathArg = str | os.PathLike[str]

__all__ = ["ExtractionError", "Extractor", "UserDataError"]


class ExtractionError(RuntimeError):
    """One document could not be processed; ``doc_id`` says which."""

    def __init__(self, doc_id: str | None, message: str) -> None:
        super().__init__(f"document {doc_id!r}: {message}" if doc_id is not None else message)
        self.doc_id = doc_id


def _paths(value: PathArg | Sequence[PathArg] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, os.PathLike)):
        return (os.fspath(value),)
    return tuple(os.fspath(v) for v in value)


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"ner_ar expects text as str, got {type(text).__name__}")
    return text


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
                 threads: int | None = None) -> None:
        """Load the model (``model_dir``, default the shipped one) and the users' data.

        ``gazetteer``: one or more UTF-8 TSV files of the user's own names
        (:mod:`ner_ar.gazetteer.user`: ``name  type  kb_id  aliases``); ``rules``: one or more YAML
        rule files in the shipped rules' schema (docs/rules.md), run after the shipped rules.
        Both are checked before the model loads and affect this Extractor only. Raises
        :class:`~ner_ar.errors.UserDataError` (file and line) for a bad user file and
        :class:`~ner_ar.ner.ModelError` for a missing model file."""
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
        """Extract entities and relations from one text."""
        return next(self._run([(_check_text(text), doc_id)]))

    def pipe(self, texts: Iterable[str], batch_size: int = 32,
             doc_ids: Iterable[str | None] | None = None,
             on_error: OnError = "raise") -> Iterator[Document]:
        """Extract from many texts, batching their sentences through the tagger.

        Documents come out in input order. With ``on_error="skip"`` an item that is not a string
        or fails is logged and skipped and the others still come out; with ``"raise"`` (default)
        the documents before it are yielded, then the error is raised.
        """
        ids = iter(doc_ids) if doc_ids is not None else None
        items = ((t, next(ids, None) if ids is not None else None) for t in texts)
        while batch := list(islice(items, max(1, batch_size))):
            good: list[tuple[str, str | None]] = []
            for text, doc_id in batch:
                try:
                    good.append((_check_text(text), doc_id))
                except TypeError as exc:
                    yield from self._run(good, on_error)
                    good = []
                    if on_error == "raise":
                        raise
                    log.warning("skipping document %r: %s", doc_id, exc)
            yield from self._run(good, on_error)

    # -- the stages ---------------------------------------------------------------------------

    def _run(self, items: list[tuple[str, str | None]], on_error: OnError = "raise") -> Iterator[Document]:
        segmented: list[tuple[Doc, str, str | None]] = []
        for text, doc_id in items:
            try:
                segmented.append((self._segment(text), text, doc_id))
            except Exception as exc:
                self._fail(doc_id, exc, on_error)
        if not segmented:
            return
        sentences = [sent for sdoc, _, _ in segmented for sent in sdoc.user_data["ner_ar_sents"]]
        try:
            tags = self.tagger.tag([[tagger_form(t.text) for t in sent] for sent in sentences])
        except Exception as exc:
            if len(segmented) == 1:
                self._fail(segmented[0][2], exc, on_error)
                return
            # One bad document must not sink the batch: retry each on its own.
            for _, text, doc_id in segmented:
                yield from self._run([(text, doc_id)], on_error)
            return
        pos = 0
        for sdoc, text, doc_id in segmented:
            n = len(sdoc.user_data["ner_ar_sents"])
            try:
                self._set_entities(sdoc, tags[pos:pos + n])
                doc = self._build(sdoc, text, doc_id)
            except Exception as exc:
                self._fail(doc_id, exc, on_error)
                continue
            finally:
                pos += n
            yield doc

    @staticmethod
    def _fail(doc_id: str | None, exc: Exception, on_error: OnError) -> None:
        """Raise a typed error naming the document, or log and skip it."""
        if on_error == "raise":
            raise ExtractionError(doc_id, f"{type(exc).__name__}: {exc}") from exc
        log.warning("skipping document %r: %s: %s", doc_id, type(exc).__name__, exc)

    def _segment(self, text: str) -> Doc:
        """Tokenise and sentence-split; sentence starts are set on the spaCy Doc."""
        sdoc = tokenizer()(text)
        words = [t for t in sdoc if not t.is_space]
        sents = split_sentences(text, words, self.max_sentence_tokens)
        starts = {sent[0].i for sent in sents}
        for tok in sdoc:
            tok.is_sent_start = tok.i == 0 or tok.i in starts
        sdoc.user_data["ner_ar_sents"] = sents
        return sdoc

    @staticmethod
    def _set_entities(sdoc: Doc, tags: list[list[str]]) -> None:
        ents: list[Span] = []
        for sent, sent_tags in zip(sdoc.user_data["ner_ar_sents"], tags, strict=True):
            for start, end, label in bioes_spans(sent_tags):
                ents.append(Span(sdoc, sent[start].i, sent[end - 1].i + 1, label=label))
        sdoc.ents = ents

    def _build(self, sdoc: Doc, text: str, doc_id: str | None) -> Document:
        st = state(run_stages(sdoc, self._stages))
        assert st.resolution is not None
        sentences = [Sentence(start=s[0].idx, end=s[-1].idx + len(s[-1].text),
                              text=text[s[0].idx:s[-1].idx + len(s[-1].text)])
                     for s in sdoc.user_data.pop("ner_ar_sents")]
        return Document(id=doc_id, text=text, sentences=sentences, entities=st.resolution.entities,
                        relations=st.relations, meta=dict(self.meta))
