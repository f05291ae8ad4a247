"""API endpoints of accounts (see API.md)."""
