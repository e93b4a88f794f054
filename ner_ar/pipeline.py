"""The pipeline's order, in one place.

    normalize -> segment -> tag -> complete.* -> [user gazetteer] -> resolve.* -> relate -> Document

``normalize`` (analysis text and offset map, :mod:`ner_ar.normalize`), ``segment`` (spaCy tokenizer
and sentence splitter, :mod:`ner_ar.text`) and ``tag`` (the Stanza model, :mod:`ner_ar.ner`) run in
:class:`~ner_ar.extractor.Extractor`, batched over many documents; every later stage is a
:class:`Stage`: a name and a callable ``Doc -> Doc`` that reads and writes the Doc's
:class:`~ner_ar.docstate.DocState`. :func:`default_stages` lists them in order;
:attr:`Extractor.stages <ner_ar.extractor.Extractor.stages>` gives every name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from ner_ar.complete import COMPLETION_STEPS
from ner_ar.complete.spans import Step
from ner_ar.docstate import Resolution, state
from ner_ar.gazetteer.user import UserGazetteer
from ner_ar.relations.engine import Engine, engine, extract_relations
from ner_ar.resolve import RESOLUTION_STEPS

#: The stages the Extractor runs itself, batched over documents, before the others.
BATCH_STAGES = ("normalize", "segment", "tag")


@dataclass(frozen=True)
class Stage:
    """One named step of the pipeline: ``func(doc)`` reads and writes ``doc``'s DocState."""

    name: str
    func: Callable[[Doc], Doc]

    def __call__(self, doc: Doc) -> Doc:
        return self.func(doc)


def _span_step(name: str, step: Step) -> Callable[[Doc], Doc]:
    """A completion step ``(doc, keys, spans) -> spans`` as a stage on the DocState; the spans it
    adds carry its name as their ``source`` (what entity confidence is measured by)."""
    def run(doc: Doc) -> Doc:
        st = state(doc)
        before = {id(s) for s in st.spans}
        st.spans = step(doc, st.keys, st.spans)
        for s in st.spans:
            if id(s) not in before:
                s.source = name
        return doc
    return run


def _relate(eng: Engine) -> Callable[[Doc], Doc]:
    def run(doc: Doc) -> Doc:
        st = state(doc)
        assert st.resolution is not None, "relate runs after resolve.entities"
        st.relations = extract_relations(doc, st.resolution, eng)
        return doc
    return run


def default_stages(user_gazetteer: UserGazetteer | None = None, rules: Engine | None = None) -> list[Stage]:
    """The stages after tagging, in order. ``user_gazetteer`` adds the users' entries after the
    shipped completion steps (they override the tagger's and the steps' spans where they overlap);
    ``rules`` is the relation engine (shipped rules, then the users'; default: shipped only)."""
    stages = [Stage(name, _span_step(name, step)) for name, step in COMPLETION_STEPS]
    if user_gazetteer is not None and user_gazetteer.entries:
        stages.append(Stage("complete.user_gazetteer",
                            _span_step("complete.user_gazetteer", user_gazetteer.add_spans)))
    stages += [Stage(name, func) for name, func in RESOLUTION_STEPS]
    stages.append(Stage("relate", _relate(rules if rules is not None else engine())))
    return stages


def run_stages(doc: Doc, stages: Sequence[Stage]) -> Doc:
    """Run ``stages`` in order on ``doc`` (tagged: ``doc.ents`` hold the tagger's spans)."""
    for stage in stages:
        doc = stage(doc)
    return doc


def resolve(doc: Doc) -> Resolution:
    """Completion and resolution of ``doc``'s tagger spans (``doc.ents``), as the default pipeline
    runs them; for tests and tools that hold a Doc of their own (no relations)."""
    doc = run_stages(doc, [s for s in default_stages() if s.name != "relate"])
    res = state(doc).resolution
    assert res is not None
    return res
