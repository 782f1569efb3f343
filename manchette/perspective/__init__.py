"""A drop-in replacement for Google's Perspective API, backed by manchette's engine.

``POST /v1alpha1/comments:analyze`` and ``POST /v1alpha1/comments:suggestscore``
accept Perspective's request shapes and answer with its response and error
shapes, so a client (Coral, for instance) only changes its endpoint URL and key.
See docs/perspective.md.
"""
