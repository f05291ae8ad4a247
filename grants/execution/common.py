"""Small helpers shared by the execution services: state checks, parsing, locks, stored files. They live on
the spine (grants/alliances/inputs.py), where assistance and revolving read them too."""
from ..alliances.inputs import (in_execution_violations, line_of, lock_alliance, lock_line,  # noqa: F401
                                raise_fields, require_in_execution, stored_file)
