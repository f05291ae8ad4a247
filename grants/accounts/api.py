"""API endpoints of accounts (see API.md): tokens, the signed-in user, users (admin)."""
from typing import Annotated, Literal

import sqlalchemy as sa
from flask import g
from flask_babel import lazy_gettext as _l
from pydantic import Field

from ..api.core import (ApiError, Model, Out, Patch, api_user, changing, choice_arg, dump, endpoint,
                        load_one, no_content, operation, paginate, require_role, search)
from ..schemas.types import Id, UtcDateTime
from . import services
from .throttling import sign_in_limits
from .models import ASSOCIATION_ROLES, GLOBAL_ROLES, User, UserRole

Role = Literal[GLOBAL_ROLES]
AssociationRole = Literal[ASSOCIATION_ROLES]
Region = Annotated[str, Field(min_length=1, max_length=80)]


class TokenRequest(Model):
    email: str = Field(max_length=200)
    password: str = Field(max_length=200)


class TokenOut(Out):
    token: str
    expires_at: UtcDateTime


class TokenItemOut(Out):
    id: int
    created_at: UtcDateTime
    expires_at: UtcDateTime
    #: true for the token this request was made with
    current: bool


class MembershipIn(Model):
    association_id: Id
    role: AssociationRole
    title: str | None = Field(None, max_length=80)


class MembershipOut(Out):
    association_id: int
    role: str
    title: str | None = None


class MeOut(Out):
    id: int
    email: str
    name: str
    roles: list[str]
    regions: list[str]
    memberships: list[MembershipOut]
    locale: str


class UserOut(MeOut):
    active: bool
    phone: str | None = None
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


class UserCreate(Model):
    email: str = Field(max_length=200)
    name: str = Field(max_length=200)
    password: str = Field(max_length=200)
    roles: list[Role] = Field(default_factory=list, max_length=10)
    regions: list[Region] = Field(default_factory=list, max_length=50)
    memberships: list[MembershipIn] = Field(default_factory=list, max_length=50)
    locale: Literal["es", "en"] = "es"
    active: bool = True
    phone: str | None = Field(None, max_length=40)


class UserPatch(Patch):
    email: str = Field(None, max_length=200)
    name: str = Field(None, max_length=200)
    password: str = Field(None, max_length=200)
    roles: list[Role] = Field(None, max_length=10)
    regions: list[Region] = Field(None, max_length=50)
    memberships: list[MembershipIn] = Field(None, max_length=50)
    locale: Literal["es", "en"] = None
    active: bool = None
    phone: str | None = Field(None, max_length=40)


def _user_out(user):
    return dump(UserOut, user)


@endpoint("/tokens", ["POST"], summary="Get a bearer token", body=TokenRequest, response=TokenOut, auth=False,
          status=201, tags=("auth",))
@sign_in_limits
def issue_token(body):
    """Exchange an e-mail and password for a bearer token. Repeated failures from one address, on one
    account or on many, are throttled (429 ``throttled``); the same counters as the login form."""
    user = services.authenticate(body.email, body.password)
    if user is None:
        raise ApiError(401, "unauthenticated", _l("The e-mail or the password is not right."))
    token, row = services.issue_token(user)
    return dump(TokenOut, {"token": token, "expires_at": row.expires_at})


@endpoint("/tokens/current", ["DELETE"], summary="Revoke the token of this request", status=204, tags=("auth",))
def revoke_current_token():
    """The token sent in the ``Authorization`` header stops working at once."""
    row = g.get("api_token")
    if row is None:
        raise ApiError(400, "bad_request", _l("This request was not made with a bearer token."))
    services.revoke_token(row)
    return no_content()


def _token_item(row):
    current = g.get("api_token")
    return dump(TokenItemOut, {"id": row.id, "created_at": row.created_at, "expires_at": row.expires_at,
                               "current": current is not None and current.id == row.id})


@endpoint("/tokens", summary="My tokens that still work", response=TokenItemOut, paginated=True, tags=("auth",),
          name="list_tokens")
def list_tokens():
    """The signed-in user's tokens that are neither revoked nor expired, newest first."""
    return paginate(services.list_tokens(api_user()), _token_item)


@endpoint("/tokens/<int:token_id>", ["DELETE"], summary="Revoke one of my tokens", status=204, tags=("auth",))
def revoke_token(token_id):
    """The token stops working at once. Another user's token, or one already revoked or expired, is 404."""
    row = services.find_live_token(api_user(), token_id)
    if row is None:
        raise ApiError(404, "not_found", _l("Not found."))
    services.revoke_token(row)
    return no_content()


@endpoint("/me", summary="The signed-in user", response=MeOut, tags=("auth",))
def me():
    return dump(MeOut, api_user())


@endpoint("/users", summary="List users (admin)", response=UserOut, paginated=True, tags=("users",),
          query={"role": ("A global role", {"type": "string", "enum": list(GLOBAL_ROLES)}),
                 "q": "Part of the name or e-mail"})
def list_users():
    require_role("admin")
    query = sa.select(User).order_by(User.id)
    role = choice_arg("role", GLOBAL_ROLES)
    if role:
        query = query.where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)))
    return paginate(search(query, User.name, User.email), _user_out)


@endpoint("/users", ["POST"], summary="Create a user (admin)", body=UserCreate, response=UserOut, status=201,
          tags=("users",), name="create_user")
def create_user(body):
    require_role("admin")
    user = services.create_user(body.model_dump(), api_user())
    return _user_out(user)


_user = load_one(User, "admin")


@endpoint("/users/<int:user_id>", summary="One user (admin)", response=UserOut, tags=("users",))
def get_user(user_id):
    return _user_out(_user(user_id=user_id))


operation("/users/<int:user_id>", ["PATCH"], summary="Change a user (admin)", body=UserPatch, response=UserOut,
          tags=("users",), name="update_user", load=_user, answer_loaded=_user_out,
          call=lambda user, body, actor: services.update_user(user, changing(user, body), actor))
