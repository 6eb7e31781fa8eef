"""Resolution: the same person across documents, years and transliterations."""
