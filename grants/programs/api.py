"""API endpoints of programs (see API.md)."""
