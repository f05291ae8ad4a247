"""The password rule and the e-mail rule, one of each for every place that sets or reads them
(create-admin, the users API, the user form, the password change, the login form)."""
import functools
import re

from flask_babel import lazy_gettext as _l

from ..errors import Violation

#: fewest characters of a password
MIN_LENGTH = 10
#: an e-mail address: one ``@``, no spaces, a domain of dot-separated labels. Special-use domains
#: (``*.test``, ``*.local``, ``localhost``) are fine: the program may run on an internal network.
EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)*$")


@functools.cache
def common_passwords():
    """The 30,000 most common passwords of zxcvbn's list (from leaked password sets), lowercase."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def password_problems(password, field="password"):
    """The violations of the password rule (none when the password is fine).

    ``invalid`` when shorter than ``MIN_LENGTH``; ``password_too_common`` when it is among the most
    common passwords (compared without regard to case or surrounding spaces)."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return [Violation("invalid", _l("The password needs at least %(n)s characters.", n=MIN_LENGTH), field)]
    if password.strip().lower() in common_passwords():
        return [Violation("password_too_common",
                          _l("This password is among the most common ones and easy to guess. Choose another one, "
                             "for example a phrase of a few words."), field)]
    return []


def normalize_email(email):
    """The address as stored: without surrounding spaces, lowercase."""
    return (email or "").strip().lower()[:200]


def is_valid_email(email):
    return bool(EMAIL.match(normalize_email(email)))
