from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/admin/users")


@bp.get("/")
def index():
    return "TODO"
