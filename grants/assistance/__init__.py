"""Technical assistance: the association contracts, follows and pays its own TA provider."""
