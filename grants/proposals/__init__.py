"""Business intentions: intake, automatic eligibility, screening, scoring and preselection."""
from . import guards, hooks  # noqa: F401  (registers the guards and connects the signal handlers once)
