"""xAPI authorization scopes (xAPI-Communication §4.2) and what each one permits."""

import enum

SCOPES = (
    "statements/write",
    "statements/read",
    "statements/read/mine",
    "state",
    "define",
    "profile",
    "all/read",
    "all",
    "analytics/read",
)


class Action(enum.Enum):
    STATEMENTS_WRITE = "write statements"
    STATEMENTS_READ = "read statements"
    STATE_READ = "read state"
    STATE_WRITE = "write state"
    PROFILE_READ = "read profiles"
    PROFILE_WRITE = "write profiles"
    DEFINE = "define activities and agents"
    RESOURCES_READ = "read activities and agents"
    ANALYTICS_READ = "read analytics"
    ANALYTICS_CONFIGURE = "configure analytics"


# The scopes that grant each action. `statements/read/mine` grants reading statements
# restricted to those the same credential stored; the statements service applies the restriction.
GRANTED_BY: dict[Action, frozenset[str]] = {
    Action.STATEMENTS_WRITE: frozenset({"statements/write", "all"}),
    Action.STATEMENTS_READ: frozenset(
        {"statements/read", "statements/read/mine", "all/read", "all"}
    ),
    Action.STATE_READ: frozenset({"state", "all/read", "all"}),
    Action.STATE_WRITE: frozenset({"state", "all"}),
    Action.PROFILE_READ: frozenset({"profile", "all/read", "all"}),
    Action.PROFILE_WRITE: frozenset({"profile", "all"}),
    Action.DEFINE: frozenset({"define", "all"}),
    Action.RESOURCES_READ: frozenset(
        {"statements/read", "all/read", "all", "define", "profile", "state"}
    ),
    # Not an xAPI scope: aggregates across learners, for analysts and BI tools (analytics/).
    Action.ANALYTICS_READ: frozenset({"analytics/read", "all/read", "all"}),
    # Changing what a store's signals count (its verb sets) is the store owner's call.
    Action.ANALYTICS_CONFIGURE: frozenset({"all"}),
}


def validate_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValueError(f"unknown scopes {', '.join(unknown)}; known: {', '.join(SCOPES)}")
    if not scopes:
        raise ValueError("a credential needs at least one scope")
    return sorted(set(scopes))
