from flask import Blueprint

bp = Blueprint("associations", __name__, url_prefix="/associations")


@bp.get("/")
def index():
    return "TODO"
