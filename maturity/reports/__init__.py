"""Reports: HTML and PDF rendering, charts, and batch runs."""
