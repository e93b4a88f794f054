"""Completing the tagger's spans before resolution, from data files rather than the model.

Each step is a small module with one public function of one shape,
``(doc, keys, spans) -> spans`` (:data:`~ner_ar.complete.spans.Step`), over token indices of the
spaCy Doc and the tokens' normalised keys. :data:`COMPLETION_STEPS` lists them in the order the
pipeline runs them (:mod:`ner_ar.pipeline`); each names the data files it reads:

- ``complete.dash_surnames`` (:func:`join_dash_surnames`): a compound surname glued to a dash
  (``سيرغي ميليك –باغداساروف``) stays in the person's span;
- ``complete.common_words`` (:func:`drop_common_words`, lexicon COMMON_WORD): a one-token
  MISC/ORG that is a common word (``أفكارك``) is dropped;
- ``complete.fixed_phrases`` (:func:`drop_fixed_phrases`, lexicon FIXED_PHRASE): no entity
  inside ``الحمد لله``;
- ``complete.latin_junk`` (:func:`drop_latin_junk`): a Latin-script span that does not look like
  a name (``hello world``) is dropped;
- ``complete.split_part_of`` (:func:`split_at_part_of`, lexicon PART_OF): a span the tagger ran
  across ``التابع ل`` becomes the two organisations it names;
- ``complete.split_local_title`` (:func:`split_place_from_person`, lexicon TITLE_LOCAL,
  gazetteer places): ``والي [نابل منور الورتاني]`` becomes a place and a person;
- ``complete.quoted_names`` (:func:`add_quoted_names`, ``gazetteer/data/org_heads.txt``): a
  name in quotes after an organisation or media head (``صحيفة "المحور"``, ``تنظيم "داعش"``), or a
  Latin-script name after a media head (``لإذاعة RTL``), is an ORG span;
- ``complete.media_names`` (:func:`add_media_names`): a station named by a word and ``أف أم``
  (``الجوهرة أف أم``) or by ``القناة`` and its number (``القناة العاشرة``) is one ORG span;
- ``complete.gazetteer_orgs`` (:func:`add_gazetteer_orgs`, ``gazetteer/data/organisations.tsv``):
  ``الناتو``, ``والأمم المتحدة`` become ORG spans where the tagger missed them;
- ``complete.news_names`` (:func:`add_news_names`, ``gazetteer/data/news_names.tsv``): names
  frequent in recent news that the tagger never saw (``ترامب``, ``التحالف العربي``, ``عفرين``),
  mined from ANT v2.1 and reviewed, where the tagger found nothing or only a piece;
- ``complete.state_orgs`` (:func:`add_state_orgs`, lexicons STATE_INSTITUTION, MINISTRY,
  PORTFOLIO, gazetteer nisbas): ``للبحرية الروسية``, ``وزارة الدفاع الأمريكية``;
- ``complete.hashtags`` (:func:`add_hashtag_names`): a hashtag of words joined by ``_`` that
  name a gazetteer place, organisation, facility, news name or state body (``#كوريا_الشمالية``)
  becomes a span; a person's surname written as a hashtag (``دونالد #ترمب``) joins the name;
- ``complete.org_chains`` (:func:`add_org_chains`, ``gazetteer/data/org_chains.tsv``): a
  definite organisation head, adjectives and a genitive with لل (``النقابة الوطنية للصحفيين
  التونسيين``) become one ORG span;
- ``complete.gazetteer_places`` (:func:`add_gazetteer_places`, gazetteer places): well-known
  places the tagger missed (``لهافانا``), names it cut in pieces (``[الكوت] [ديفوار]``);
- ``complete.place_nouns`` (:func:`add_places_after_nouns`, ``gazetteer/data/place_nouns.txt``):
  a gazetteer place of any size right after a town or region noun (``مدينة درعا``, ``بولاية
  سليانة``);
- ``complete.regions`` (:func:`add_region_places`, ``gazetteer/data/regions.tsv``): governorates
  and towns local news names (``بمعتمدية بن قردان``, ``جندوبة``), those that are also words only
  with evidence in the document; a tagger's span of exactly the name becomes a place;
- ``complete.facility_heads`` (:func:`add_facility_heads`, lexicons FAC_HEAD, FAC_QUALIFIER):
  ``مطار هواري بومدين الدولي`` becomes one FAC span, head included;
- ``complete.local_institutions`` (:func:`add_local_institutions`,
  ``gazetteer/data/institutions.tsv``): a head, its qualifiers and an eponym right before a town
  (``المحكمة الابتدائية بسوسة``, ``المستشفى الجامعي الطاهر المعموري بنابل``) become one FAC or
  ORG span; a person's span running over the town (``[ثامر ببوسالم]``) ends before it;
- ``complete.team_heads`` (:func:`add_team_heads`, ``gazetteer/data/org_chains.tsv``): a team
  or force head before a place (``منتخب الأرجنتين``, ``نادي الكويت``) makes one ORG span;
- ``complete.repeated_names`` (:func:`add_repeated_names`): a name found in one sentence becomes
  a span where it recurs untagged elsewhere in the document;
- ``complete.facility_names`` (:func:`add_facility_names`, ``gazetteer/data/facilities.tsv``):
  well-known facilities (``البيت الأبيض``, ``الكرملين``) override the tagger.

Dropped after measuring (``benchmarks/completion_steps.py``, hand-judged news in
``benchmarks/data/spans_judged_summary.md``): persons anchored by a title (0 of 9 spans right on
news) and the body after ``باسم`` (3 of 7 right on news, one wrong span each on ANERcorp and AQMAR
test, no relation gained on the blind set).

Clitics are not cut here: resolution (:mod:`ner_ar.resolve`) trims them with exact offsets.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from ner_ar.complete.chains import add_org_chains, add_team_heads
from ner_ar.complete.common_words import drop_common_words
from ner_ar.complete.dashes import join_dash_surnames
from ner_ar.complete.facilities import add_facility_heads, add_facility_names
from ner_ar.complete.hashtags import add_hashtag_names
from ner_ar.complete.institutions import add_local_institutions
from ner_ar.complete.junk import drop_fixed_phrases, drop_latin_junk
from ner_ar.complete.media import add_media_names
from ner_ar.complete.news import add_news_names
from ner_ar.complete.orgs import add_gazetteer_orgs, org_match
from ner_ar.complete.places import add_gazetteer_places, add_places_after_nouns, add_region_places
from ner_ar.complete.quoted import add_quoted_names
from ner_ar.complete.repeated import add_repeated_names
from ner_ar.complete.spans import DASHES, Step
from ner_ar.complete.split import split_at_part_of, split_place_from_person
from ner_ar.complete.state_orgs import add_state_orgs
from ner_ar.docstate import RawSpan

#: The completion steps in pipeline order, by stage name.
COMPLETION_STEPS: list[tuple[str, Step]] = [
    ("complete.dash_surnames", join_dash_surnames),
    ("complete.common_words", drop_common_words),
    ("complete.fixed_phrases", drop_fixed_phrases),
    ("complete.latin_junk", drop_latin_junk),
    ("complete.split_part_of", split_at_part_of),
    ("complete.split_local_title", split_place_from_person),
    ("complete.quoted_names", add_quoted_names),
    ("complete.media_names", add_media_names),
    ("complete.gazetteer_orgs", add_gazetteer_orgs),
    ("complete.news_names", add_news_names),
    ("complete.state_orgs", add_state_orgs),
    ("complete.hashtags", add_hashtag_names),
    ("complete.org_chains", add_org_chains),
    ("complete.gazetteer_places", add_gazetteer_places),
    ("complete.place_nouns", add_places_after_nouns),
    ("complete.regions", add_region_places),
    ("complete.facility_heads", add_facility_heads),
    ("complete.local_institutions", add_local_institutions),
    ("complete.team_heads", add_team_heads),
    ("complete.repeated_names", add_repeated_names),
    ("complete.facility_names", add_facility_names),
]

__all__ = ["COMPLETION_STEPS", "DASHES", "RawSpan", "Step", "add_gazetteer_orgs", "add_gazetteer_places", "add_news_names", "add_org_chains", "add_team_heads", "add_places_after_nouns", "add_quoted_names",
           "add_facility_heads", "add_facility_names", "add_hashtag_names", "add_local_institutions", "add_media_names", "add_repeated_names", "add_state_orgs", "complete_spans",
           "drop_common_words", "drop_fixed_phrases", "drop_latin_junk", "join_dash_surnames", "org_match", "split_at_part_of",
           "split_place_from_person"]


def complete_spans(doc: Doc, keys: Sequence[str]) -> list[RawSpan]:
    """The tagger's spans of ``doc`` (``doc.ents``) after every step of :data:`COMPLETION_STEPS`;
    sorted by start token, never overlapping."""
    spans = [RawSpan(e.label_, e.start, e.end) for e in doc.ents]
    for _name, step in COMPLETION_STEPS:
        spans = step(doc, keys, spans)
    return sorted(spans, key=lambda s: s.start)
