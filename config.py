"""Configuration classes. Environment variables prefixed ``GRANTS_`` override any setting.

``GRANTS_DATABASE_URL``  the database (default: SQLite in the instance folder)
``GRANTS_SECRET_KEY``    session and CSRF signing key (default: a random key kept in the instance folder)
``GRANTS_MAIL_SERVER``, ``GRANTS_MAIL_PORT``, ``GRANTS_MAIL_SENDER``, ``GRANTS_MAIL_USERNAME``,
``GRANTS_MAIL_PASSWORD``, ``GRANTS_MAIL_USE_TLS``  outgoing mail (no server: mail is not sent)
"""
from datetime import timedelta


class Config:
    SECRET_KEY = None  # read from the environment or instance/secret_key
    DATABASE_URL = None  # None: sqlite:///<instance>/grants.db
    SQLALCHEMY_ENGINE_OPTIONS = {}
    #: a pooled connection idle this long is tested (SELECT 1) before use; 0: before every use (grants/web/health.py)
    DB_PING_IDLE_SECONDS = 5
    #: PostgreSQL: a GET's plain SELECTs run in autocommit, BEGIN is sent before its first write (grants/web/edge.py)
    READS_WITHOUT_TRANSACTION = True
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # the cookie is signed again only when the session changes, not on every page: the server-side session's
    # end is fixed at sign-in (accounts.services.start_session), so a sliding cookie only cost a signature
    SESSION_REFRESH_EACH_REQUEST = False

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024  # whole request
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024  # one file

    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = "America/La_Paz"
    LANGUAGES = ("es", "en")

    PASSWORD_HASH_METHOD = "scrypt"
    #: throttling by Flask-Limiter (accounts/throttling.py). The counters live in the application's
    #: database ("database://"), which every gunicorn worker shares; "redis://host:6379" works too once
    #: the redis package is installed. Failed sign-ins count per client address and per address + account;
    #: API requests per token (or signed-in user, or address).
    THROTTLING = True
    RATELIMIT_STORAGE_URI = "database://"
    RATELIMIT_STRATEGY = "fixed-window"
    RATELIMIT_SWALLOW_ERRORS = True  # a failing counter store lets requests through rather than answer 500
    THROTTLE_LOGIN_ADDRESS = "10 per minute;30 per hour"
    THROTTLE_LOGIN_ACCOUNT = "5 per 15 minutes"
    THROTTLE_API = "120 per minute;3000 per hour"
    THROTTLE_GRIEVANCE = "5 per 10 minutes;20 per day"  # grievances filed per connection (issue 15)
    API_TOKEN_HOURS = 24 * 30
    PER_PAGE = 25
    #: how long a computed portfolio is reused, in each worker's memory, for the same visibility, filters and
    #: grouping (0: never). Off: the portfolio reads the stored per-alliance totals, and several workers or
    #: hosts would each keep their own copy
    PORTFOLIO_CACHE_SECONDS = 0
    #: how long the public portal's stored answer (shared by every worker, in the database) is served (0: never)
    PORTAL_CACHE_SECONDS = 300
    #: Strict-Transport-Security max-age, sent in production on HTTPS requests (0: never); HSTS_ALWAYS: on
    #: every request, for a site only ever served over HTTPS (grants/web/security.py)
    HSTS_SECONDS = 365 * 24 * 3600
    HSTS_ALWAYS = False
    #: proxies in front that set X-Forwarded-*: {"x_for": 1, "x_proto": 1, "x_host": 1} or 1 for that
    #: (werkzeug ProxyFix); empty: the app trusts no forwarded header
    PROXY_FIX = {}

    #: the site's address as printed in the QR code of every issued PDF (grants/documents/issuing.py), e.g.
    #: "https://alianzas.example.org"; empty: the address of the request that issued the document
    PUBLIC_URL = None

    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "grants@localhost"


class DevConfig(Config):
    SESSION_COOKIE_SECURE = False  # the demo runs on plain http://127.0.0.1
    REMEMBER_COOKIE_SECURE = False


class TestConfig(Config):
    TESTING = True
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False  # tests that check CSRF switch it on
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast in tests; scrypt in production
    PORTFOLIO_CACHE_SECONDS = 0  # tests compare the portfolio with the records they have just written
    PORTAL_CACHE_SECONDS = 0  # likewise the portal; tests/reports/test_portal_stored.py turns it on
    THROTTLING = False  # tests/accounts/test_throttling.py switches it on
