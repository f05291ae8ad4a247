"""Execution stage: expenses with receipts, counterpart contributions, accountability reports,
procurement, reallocations (issue 6). Importing the package registers its ledger providers and guards."""
