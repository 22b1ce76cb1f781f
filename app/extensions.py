"""Flask extensions, created once here and bound to an app in ``create_app``."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from app.config import PROJECT_ROOT
from app.database import db

migrate = Migrate(directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
# No default limits: each route that needs one (sign-in, password reset) states its own.
limiter = Limiter(key_func=get_remote_address)

__all__ = ["csrf", "db", "limiter", "login_manager", "migrate"]
