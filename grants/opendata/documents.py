"""The documents an export links to, by their public verification URL (issue 14 adds ``/verify/{sha256}`` and
the issued documents). HOOK for the integrator: until it is wired, no document is linked."""


def issued_documents(alliance_ids):
    """``{alliance_id: [(title, url, issued_on), ...]}`` of the documents the system issued for these
    alliances, each with its public verification URL and nothing personal.

    HOOK (open data <- issue 14): returns no documents until the issued-documents registry is wired here."""
    return {}
