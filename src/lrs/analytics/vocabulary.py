"""Default verb sets and verb aliases (METRICS.md §1.7).

A set is matched on the stored `verb_id` after alias mapping. Rather than rewriting every
stored IRI, a set is expanded to every IRI that maps onto one of its members, which lets the
query use the verb index and gives the same answer.
"""

from collections.abc import Iterable

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
ADL = "http://adlnet.gov/expapi/verbs/"
AS = "http://activitystrea.ms/"
CMI5 = "https://w3id.org/xapi/adl/verbs/"
TLA = "https://w3id.org/xapi/tla/verbs/"
DOD = "https://w3id.org/xapi/dod-isd/verbs/"
ACROSSX = "https://w3id.org/xapi/acrossx/verbs/"
TINCAN = "http://id.tincanapi.com/verb/"

# Prefix aliases: the old form on the left maps onto the current form on the right.
PREFIX_ALIASES: tuple[tuple[str, str], ...] = (
    ("http://activitystrea.ms/schema/1.0/", AS),
    ("http://purl.org/xapi/adl/verbs/", CMI5),
)
# Whole-IRI aliases (after prefix mapping).
VERB_ALIASES: dict[str, str] = {
    f"{AS}complete": f"{ADL}completed",
    f"{AS}share": f"{ADL}shared",
    f"{AS}attend": f"{ADL}attended",
    f"{AS}satisfy": f"{CMI5}satisfied",
}

DEFAULT_SETS: dict[str, tuple[str, ...]] = {
    "request": (f"{AS}request", f"{DOD}requested", f"{ACROSSX}was-assigned", f"{AS}assign",
                f"{DOD}assigned", f"{TLA}directed", f"{ADL}registered"),
    "approve": (f"{TLA}approved", f"{AS}approve"),
    "schedule": (f"{AS}schedule", f"{TLA}scheduled", f"{DOD}scheduled"),
    "deploy": (f"{ADL}launched", f"{ADL}initialized", f"{ADL}attended"),
    "close": (f"{AS}cancel", f"{TINCAN}unregistered"),
    "complete": (f"{ADL}completed", f"{ADL}passed", f"{CMI5}satisfied", f"{AS}complete"),
    "waive": (f"{CMI5}waived",),
    "enrol": (f"{ADL}registered", f"{ACROSSX}was-assigned", f"{DOD}assigned", f"{ADL}launched"),
    "assign": (f"{ACROSSX}was-assigned", f"{DOD}assigned", f"{AS}assign", f"{TLA}directed"),
    "invalidate": (f"{TINCAN}expired", f"{TLA}expired", f"{TLA}revoked"),
    "session": (f"{ADL}terminated", f"{CMI5}abandoned"),
    "rating": (f"{TINCAN}rated",),
    "social": (f"{ADL}commented", f"{ADL}shared", f"{ACROSSX}posted", f"{TINCAN}replied",
               f"{ACROSSX}liked", f"{AS}like", f"{TINCAN}voted-up", f"{TINCAN}mentored",
               "https://w3id.org/xapi/adb/verbs/coached", f"{ADL}asked", f"{TINCAN}rated",
               f"{TINCAN}talked-with"),
    "assessment": (f"{ADL}passed", f"{ADL}failed", f"{ADL}scored"),
    "employed": (f"{TLA}employed",),
    "proficiency": (f"{ADL}mastered", f"{TLA}achieved"),
    "passed": (f"{ADL}passed",),
    "failed": (f"{ADL}failed",),
    "behaviour": (f"{DOD}performed", f"{DOD}applied", f"{DOD}used", f"{DOD}executed",
                  f"{DOD}demonstrated", f"{TINCAN}performed-offline"),
}  # fmt: skip

# SOCIAL_CONDITIONAL (METRICS.md §1.3, §1.7): `answered` is social unless its object is a quiz
# item; `attended` is social when its object is a meeting or webinar.
SOCIAL_ANSWERED = (f"{ADL}answered",)
SOCIAL_ATTENDED = (f"{ADL}attended",)
QUIZ_ITEM_TYPES = ("http://adlnet.gov/expapi/activities/cmi.interaction",
                   "http://adlnet.gov/expapi/activities/question")  # fmt: skip
MEETING_TYPES = ("http://adlnet.gov/expapi/activities/meeting",
                 "http://id.tincanapi.com/activitytype/webinar")  # fmt: skip


def canonical(iri: str) -> str:
    for old, new in PREFIX_ALIASES:
        if iri.startswith(old):
            iri = new + iri[len(old) :]
            break
    return VERB_ALIASES.get(iri, iri)


def _forms(iri: str) -> set[str]:
    """`iri` and its old-prefix spellings."""
    forms = {iri}
    for old, new in PREFIX_ALIASES:
        if iri.startswith(new):
            forms.add(old + iri[len(new) :])
    return forms


def expand(iris: Iterable[str], aliases: bool = True) -> list[str]:
    """Every stored IRI that maps onto a member of the set; the reserved `voided` never does,
    so voiding statements stay out of every signal (METRICS.md §2.1)."""
    if not aliases:
        return sorted(set(iris) - {VOIDED})
    members = {canonical(iri) for iri in iris}
    expanded: set[str] = set()
    for member in members:
        expanded |= _forms(member)
        for alias, target in VERB_ALIASES.items():
            if target == member:
                expanded |= _forms(alias)
    return sorted(expanded - {VOIDED})
