"""Sales to the buyer (issue 15): the buyer's own accounts, the deliveries the association records against the
buyer's letter of intent, their confirmation or dispute by the buyer, and the payments the buyer records."""
