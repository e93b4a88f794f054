"""WikiFANE (fine-grained, clitic-split, alef-normalised) converted to our coarse whitespace-token
BIO format, so that it can be measured as extra training data.

NewsFANE is ANERcorp re-annotated: never use it when scoring on ANERcorp test. Only WikiFANE is
read here.
"""

from __future__ import annotations

from pathlib import Path

from ner_ar.training.corpora import Sentence, clean, read_conll

# Fine classes by their ACE parent, mapped onto the coarse types our corpora use. Nationalities
# (Group) are O in ANERcorp and AQMAR; so are foods, drugs, plants and chemicals.
FINE_TO_COARSE = {
    **dict.fromkeys(("Politician", "Religious_PER", "Artist", "Other_PER", "Scientist", "Athlete",
                     "Businessperson", "Engineer", "Lawyer"), "PER"),
    **dict.fromkeys(("Commercial", "Non-Governmental", "Government", "Police", "Educational",
                     "Media", "Sports", "Religious_ORG", "Medical-Science", "Entertainment"), "ORG"),
    **dict.fromkeys(("Population-Center", "Nation", "State-or-Province", "County-or-District",
                     "GPE-Cluster", "Water-Body", "Land-Region-Natural", "Continent", "Celestial",
                     "Building-Grounds", "Airport", "Path", "Subarea-Facility"), "LOC"),
    **dict.fromkeys(("Book", "Software", "Hardware", "Movie", "Sound", "Water", "Land", "Air",
                     "Projectile", "Nuclear", "Shooting", "Blunt", "Exploding", "Sharp"), "MISC"),
}
# Clitics FANE writes as tokens of their own. Prefixes join the next token, suffixes the previous
# one. Pronoun-like forms that can stand alone (هم, هو, هي) are left alone.
PREFIXES = frozenset({"و", "ف", "ب", "ل", "ك", "س"})
SUFFIXES = frozenset({"ه", "ها", "هما", "هن", "نا", "ي", "كم", "كما", "كن"})


def _coarse(tag: str) -> str:
    if len(tag) < 3 or tag[1] != "-":
        return "O"
    label = FINE_TO_COARSE.get(tag[2:])
    return f"{tag[0]}-{label}" if label else "O"


def _join_prefix(prefix: str, word: str) -> str:
    # ل + الكتاب is written للكتاب: the article's alef drops.
    if prefix == "ل" and word.startswith("ال"):
        return "لل" + word[2:]
    return prefix + word


def _join_suffix(word: str, suffix: str) -> str:
    if word.endswith("ة"):
        word = word[:-1] + "ت"
    elif word.endswith("ى") and len(word) > 2:
        word = word[:-1] + "ي"
    return word + suffix


def reattach(sentence: Sentence) -> Sentence:
    """Join split clitics back onto their words; the word's tag wins."""
    out: Sentence = []
    pending = ""
    for tok, tag in sentence:
        if tok in PREFIXES:
            pending += tok
            continue
        if tok in SUFFIXES and out and not pending:
            word, wtag = out[-1]
            out[-1] = (_join_suffix(word, tok), wtag)
            continue
        if pending:
            for ch in reversed(pending):
                tok = _join_prefix(ch, tok)
            pending = ""
        out.append((tok, tag))
    if pending:
        out.append((pending, "O"))
    return out


def read_wikifane(path: str | Path) -> list[Sentence]:
    raw = read_conll(path, cleaned=False, coarse=False)
    coarse = clean([[(tok, _coarse(tag)) for tok, tag in sent] for sent in raw])
    return clean([reattach(sent) for sent in coarse])
