"""Accounts: people, roles, invitations, sign-in and password reset; who may do what."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from app.auth import routes  # noqa: E402, F401
