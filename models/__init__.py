"""Trained models shipped with ner_ar (installed as the package ``ner_ar_models``)."""
