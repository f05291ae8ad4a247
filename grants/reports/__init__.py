"""Reports beside the stages: the portfolio (officers, admins, auditors) and the public transparency portal.

Reads the other stages' tables read-only, always in a constant number of aggregate SQL statements."""
