from flask import Blueprint

bp = Blueprint("programs", __name__, url_prefix="/programs")


@bp.get("/")
def index():
    return "TODO"


@bp.get("/calls")
def calls():
    return "TODO"
