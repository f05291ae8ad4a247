"""The plan stage: the alliance plan, its budget and financing, financial analysis, appraisal and committee."""
