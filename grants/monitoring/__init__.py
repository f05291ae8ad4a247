"""Monitoring: indicator values by period, supervision visits with follow-up actions, alerts."""
