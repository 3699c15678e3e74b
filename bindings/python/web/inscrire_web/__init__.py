"""inscrire_web: the reference web application of inscrire (docs/web.md).

A small Flask application over one shared ``inscrire.Database``, served by waitress; a package
of its own beside the library's (its dependencies: bindings/python/web/pyproject.toml):

    python3 -m inscrire_web --db school.db --secret-file /etc/inscrire/web-secret
                            [--host 127.0.0.1] [--port 8000] [--base-url URL] ...

``create_app(db, config)`` builds it for any WSGI server (tests, another deployment): the
pupil pages are in pupil.py, the staff's in staff.py and school.py, every library call in
backend.py, the options in config.py, the tokens, cookies and headers in security.py, the
French texts in wording.py, waitress's limits in server.py.
"""

from .app import create_app
from .config import Config, ConfigError, read_secret

__all__ = ["Config", "ConfigError", "create_app", "read_secret"]
