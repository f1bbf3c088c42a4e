"""The pure core: models and computations over plain objects; no I/O, no edge library."""
