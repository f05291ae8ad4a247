"""Stage 9, closeout: the association's final report, the officer's evaluation, the financial closeout
(refunds, the unspent grant moved to the revolving fund) and the closeout report."""
