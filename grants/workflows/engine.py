"""The one engine that applies every state machine.

A workflow is data (see ``alliance.py``): states with titles, and transitions with their sources,
target, the roles that may take them and the names of the guards that must hold. Stage packages
register guard functions by name with ``@guard("name")``; a guard returns the violations it finds.
"""
from dataclasses import dataclass, field

from blinker import Namespace
from flask_babel import lazy_gettext as _l

from .. import audit
from ..errors import Forbidden, InvalidTransition, RuleViolation, Violation
from . import rules

_GUARDS = {}
_signals = Namespace()
#: sent after every applied transition, inside the transaction:
#: ``transition_applied.send(workflow, obj=..., transition=..., actor=..., data=..., from_state=...)``
transition_applied = _signals.signal("transition-applied")


def guard(name):
    """Register ``fn(obj, actor, data) -> iterable of Violation`` under ``name``."""

    def deco(fn):
        _GUARDS[name] = fn
        return fn

    return deco


def guard_names():
    return set(_GUARDS)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple
    target: str
    roles: tuple
    label: object
    guards: tuple = ()
    #: data keys the action requires (e.g. ``reason`` for cancel)
    requires: tuple = ()
    #: the actor must write a comment (returns, refusals)
    comment_required: bool = False


@dataclass
class Workflow:
    name: str
    #: state code -> title (lazy string)
    states: dict
    transitions: list
    #: ``roles_of(obj, user) -> set`` of the roles ``user`` holds towards ``obj``
    roles_of: object = None
    #: the attribute of the object that holds the state
    attr: str = "state"
    #: ``context(obj) -> dict`` with ``alliance_id`` / ``association_id`` for the audit event
    context: object = None
    by_name: dict = field(init=False)

    def __post_init__(self):
        self.by_name = {}
        for t in self.transitions:
            unknown = [s for s in (*t.sources, t.target) if s not in self.states]
            if unknown:
                raise ValueError(f"{self.name}.{t.name}: unknown states {unknown}")
            self.by_name.setdefault(t.name, []).append(t)

    @property
    def actions(self):
        return list(self.by_name)

    def state_of(self, obj):
        return getattr(obj, self.attr)

    def title(self, state):
        return self.states.get(state, state)

    def _candidates(self, obj, action):
        return [t for t in self.by_name.get(action, []) if self.state_of(obj) in t.sources]

    def _roles(self, obj, user):
        if user is None or not getattr(user, "is_authenticated", False):
            return set()
        return set(self.roles_of(obj, user)) if self.roles_of else set()

    def check(self, obj, action, actor, data=None):
        """Return the transition ``action`` would take, or raise: ``InvalidTransition`` (unknown action
        or wrong state), ``Forbidden`` (role), ``RuleViolation`` (every failing guard, listed)."""
        data = data or {}
        if action not in self.by_name:
            raise InvalidTransition(_l("Unknown action: %(action)s", action=action))
        candidates = self._candidates(obj, action)
        if not candidates:
            raise InvalidTransition(
                _l("This action is not possible while the state is “%(state)s”.",
                   state=self.title(self.state_of(obj))))
        roles = self._roles(obj, actor)
        allowed = [t for t in candidates if roles.intersection(t.roles)]
        if not allowed:
            raise Forbidden(_l("Your role does not allow this action."))
        t = allowed[0]
        violations = []
        for key in t.requires:
            if not str(data.get(key) or "").strip():
                violations.append(Violation(rules.REQUIRED, _l("This field is required."), key))
        if t.comment_required and not str(data.get("comment") or "").strip():
            violations.append(Violation(rules.COMMENT_REQUIRED, _l("Write a comment that explains the decision."),
                                        "comment"))
        for name in t.guards:
            fn = _GUARDS.get(name)
            if fn is None:  # deny by default: a step whose rules are not built cannot be taken

                violations.append(Violation(rules.NOT_YET_AVAILABLE,
                                            _l("This step is not available yet in this installation.")))
                continue
            violations.extend(fn(obj, actor, data) or [])
        if violations:
            raise RuleViolation(violations)
        return t

    def apply(self, obj, action, actor, comment=None, data=None, effect=None, event_data=None):
        """Check and take ``action``: change the state and write exactly one audit event.

        ``effect(obj, transition, data)`` runs after the checks and before the state change
        (e.g. assign the facilitator) and may return extra audit data. ``event_data``, when given, is what
        the audit event keeps instead of ``data`` (a confidential object keeps its text out of the trail).
        Nothing is committed."""
        data = dict(data or {})
        if comment is not None:
            data.setdefault("comment", comment)
        t = self.check(obj, action, actor, data)
        extra = effect(obj, t, data) if effect else None
        before = self.state_of(obj)
        setattr(obj, self.attr, t.target)
        ctx = self.context(obj) if self.context else {}
        event_data = ({k: v for k, v in data.items() if k != "comment"} if event_data is None
                      else dict(event_data))
        if extra:
            event_data.update(extra)
        audit.record(self.name, obj.id, action, actor, from_state=before, to_state=t.target,
                     comment=(data.get("comment") or None), data=event_data, **ctx)
        transition_applied.send(self, obj=obj, transition=t, actor=actor, data=data, from_state=before)
        return t

    def available(self, obj, actor):
        """Transitions ``actor`` may take now (state and role; guards are checked on apply)."""
        roles = self._roles(obj, actor)
        state = self.state_of(obj)
        seen, out = set(), []
        for t in self.transitions:
            if state in t.sources and roles.intersection(t.roles) and t.name not in seen:
                seen.add(t.name)
                out.append(t)
        return out
