"""The store: every assessment version, kept in SQLite or any SQLAlchemy database."""
