"""The Hub's administration pages: the people directory, staff invitations and the outbox.

They sit above accounts, organisations and mail because they read all three.
"""

from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates")

from app.admin import routes  # noqa: E402, F401
