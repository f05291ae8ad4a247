"""Open data (issue 17): the funded alliances as IATI 2.03 activities, the associations' procurements as an
OCDS 1.1 release package, and the portal's tables as CSV, all public and without personal data."""
