"""API endpoints of alliances (see API.md)."""
