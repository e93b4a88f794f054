"""Shared fixtures: the real shipped model, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
SEED = SHARED_DATA / "seed" / "russia_cuba_cooperation.ar.txt"


@pytest.fixture(scope="session")
def extractor():  # type: ignore[no-untyped-def]
    from ner_ar import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_doc(extractor, seed_text):  # type: ignore[no-untyped-def]
    return extractor.extract(seed_text, doc_id="seed")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data folder not found at {SHARED_DATA}")
    return SHARED_DATA
