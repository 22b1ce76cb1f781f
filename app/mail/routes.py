from flask import Blueprint, render_template

from app.auth.access import roles_required
from app.auth.models import Role
from app.mail.services import outbox as outbox_messages

bp = Blueprint("mail", __name__, url_prefix="/outbox", template_folder="templates")


@bp.route("/")
@roles_required(Role.HUB_ADMIN)
def outbox():
    return render_template("mail/outbox.html", messages=outbox_messages(), title="Outbox")
