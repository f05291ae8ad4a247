"""Revolving fund (fondo rotatorio): owned by the association, fed by grant repayments, lent to members."""
