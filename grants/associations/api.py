"""API endpoints of associations (see API.md)."""
