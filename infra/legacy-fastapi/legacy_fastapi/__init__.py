"""The legacy reference service that fig fronts: FastAPI + SQLAlchemy, hard-coded bonus logic."""

__version__ = "1.0.0"
