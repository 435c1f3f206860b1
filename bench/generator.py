"""Seeded, realistic xAPI statements: a corporate-learning population and one year of its activity.

Learners (agents with `mbox` or with an `account`) in departments take courses of a program;
a course has modules, assessments and meetings led by an instructor. They produce lifecycle
statements (launched, initialized, attempted, completed, passed, failed, attended, terminated),
social ones (commented, shared, liked), and a few assignments with a due date, approvals,
schedules, ratings, on-the-job behaviour and hires; each with a registration, context parent
and grouping, the department as a context extension, and results with scores, durations,
success and completion.

Deterministic: one seed gives the same statements, ids included, so a load can be reproduced
and the COPY ceiling can write exactly the rows the LRS received. Nested objects (agents,
verbs, activities) are shared between statements instead of copied, which keeps a million
statements to seconds: callers must treat the statements as read-only.
"""

import itertools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Statement = dict[str, Any]

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_TYPES = "http://adlnet.gov/expapi/activities/"
DEPARTMENT_EXTENSION = "https://example.com/extensions/department"
ACTIVITY_BASE = "https://lms.example.com/"
ACCOUNT_HOME_PAGE = "https://sso.example.com"
# Timestamps fall in the year that starts here (2025-01-01T00:00:00Z).
YEAR_START = 1_735_689_600
YEAR_SECONDS = 365 * 86_400

DEPARTMENTS = ("Sales", "Engineering", "Finance", "Support", "Marketing", "Operations",
               "Legal", "People", "Product", "Logistics", "Security", "Research")  # fmt: skip
FIRST_NAMES = ("Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken",
               "Frances", "Edsger", "Radia", "Tim", "Hedy", "Donald", "Karen",
               "Niklaus")  # fmt: skip
LAST_NAMES = ("Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov",
              "Thompson", "Allen", "Dijkstra", "Perlman", "Berners-Lee", "Lamarr", "Knuth",
              "Jones", "Wirth")  # fmt: skip
TOPICS = ("Negotiation", "Python", "Budgeting", "Customer Care", "Brand Strategy", "Lean",
          "Contract Law", "Coaching", "Roadmapping", "Supply Chain", "Threat Modeling",
          "Experiment Design", "Data Privacy", "Leadership", "Cloud Costs")  # fmt: skip
COMMENTS = ("Very clear, thanks.", "The second example was hard to follow.",
            "Could we get the slides?", "Great session!", "Exercise 3 has a typo.")  # fmt: skip


def _verb(name: str, base: str = ADL_VERBS) -> Statement:
    return {"id": f"{base}{name}", "display": {"en-US": name}}


_ADL_VERB_NAMES = ("launched", "initialized", "completed", "passed", "failed", "attempted",
                   "attended", "commented", "shared", "terminated")  # fmt: skip
VERBS = {name: _verb(name) for name in _ADL_VERB_NAMES}
VERBS["liked"] = _verb("liked", "https://w3id.org/xapi/acrossx/verbs/")
VERBS["was-assigned"] = _verb("was-assigned", "https://w3id.org/xapi/acrossx/verbs/")
VERBS["approved"] = _verb("approved", "https://w3id.org/xapi/tla/verbs/")
VERBS["employed"] = _verb("employed", "https://w3id.org/xapi/tla/verbs/")
VERBS["schedule"] = _verb("schedule", "http://activitystrea.ms/")
VERBS["rated"] = _verb("rated", "http://id.tincanapi.com/verb/")
VERBS["performed"] = _verb("performed", "https://w3id.org/xapi/dod-isd/verbs/")
DUE_DATE_EXTENSION = "https://w3id.org/xapi/tla/extensions/due_date"
PLANNED_START_EXTENSION = "http://id.tincanapi.com/extension/planned-start-time"
QUALITY_RATING_EXTENSION = "http://id.tincanapi.com/extension/quality-rating"


@dataclass(frozen=True, slots=True)
class Course:
    activity: Statement
    program: Statement
    modules: tuple[Statement, ...]
    assessments: tuple[Statement, ...]
    meetings: tuple[Statement, ...]
    instructor: Statement
    # What learners comment on, share and like: the modules and the course itself.
    social: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class Learner:
    agent: Statement
    department: str
    courses: tuple[int, ...]
    registrations: tuple[str, ...]


def _activity(path: str, kind: str, name: str, type_base: str = ADL_TYPES) -> Statement:
    definition = {
        "name": {"en-US": name, "fr-FR": f"{name} (fr)"},
        "type": f"{type_base}{kind}",
    }
    return {"objectType": "Activity", "id": f"{ACTIVITY_BASE}{path}", "definition": definition}


def _uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from `rng`, so ids follow the seed."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def _person(rng: random.Random, index: int, account: bool) -> Statement:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    agent: Statement = {"objectType": "Agent", "name": f"{first} {last}"}
    if account:
        agent["account"] = {"homePage": ACCOUNT_HOME_PAGE, "name": f"e{index:06d}"}
    else:
        agent["mbox"] = f"mailto:{first.lower()}.{last.lower()}.{index}@example.com"
    return agent


def _course(rng: random.Random, index: int, program: Statement) -> Course:
    topic = f"{TOPICS[index % len(TOPICS)]} {index // len(TOPICS) + 1}"
    path = f"courses/c{index:03d}"

    def parts(kind: str, count: int) -> tuple[Statement, ...]:
        return tuple(
            _activity(f"{path}/{kind}s/{n}", kind, f"{topic}: {kind} {n}")
            for n in range(1, count + 1)
        )

    activity, modules = _activity(path, "course", topic), parts("module", rng.randint(4, 8))
    return Course(
        activity=activity,
        program=program,
        modules=modules,
        assessments=parts("assessment", rng.randint(1, 3)),
        meetings=parts("meeting", rng.randint(2, 5)),
        instructor=_person(rng, 900_000 + index, account=False),
        social=(*modules, activity),
    )


ORGANIZATION_TYPE = "https://w3id.org/xapi/tla/activity-types/organization"
EMPLOYER = {
    "objectType": "Activity",
    "id": f"{ACTIVITY_BASE}organization",
    "definition": {"name": {"en-US": "Example Corp"}, "type": ORGANIZATION_TYPE},
}


def _courses(rng: random.Random, count: int) -> list[Course]:
    programs = [
        _activity(f"programs/p{n}", "program", f"Program {n}", "https://example.com/activitytypes/")
        for n in range(8)
    ]
    return [_course(rng, i, programs[i % len(programs)]) for i in range(count)]


def _learners(rng: random.Random, count: int, courses: int) -> list[Learner]:
    learners = []
    for i in range(count):
        enrolled = tuple(rng.sample(range(courses), rng.randint(2, 8)))
        learners.append(
            Learner(
                agent=_person(rng, i, account=i % 2 == 1),
                department=rng.choice(DEPARTMENTS),
                courses=enrolled,
                registrations=tuple(_uuid(rng) for _ in enrolled),
            )
        )
    return learners


def _duration(seconds: int) -> str:
    hours, rest = divmod(max(seconds, 1), 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


# What one statement is about, with weights: lifecycle first, social about a fifth; a few
# assignments (with a due date), approvals, schedules, ratings, cmi5 session ends, on-the-job
# behaviour and hires, so that every analytics signal has statements to work on.
_KIND_WEIGHTS = {
    "launched": 16, "initialized": 12, "completed_module": 14, "attempted": 10, "assessed": 12,
    "attended": 8, "completed_course": 3, "commented": 6, "shared": 4, "liked": 8,
    "assigned": 2, "approved": 1, "scheduled": 1, "rated": 1, "terminated": 2, "performed": 1,
    "employed": 1,
}  # fmt: skip
Builder = Callable[[Course], tuple[str, Statement, Statement | None]]


class StatementGenerator:
    """An endless, reproducible stream of valid xAPI 1.0.3 statements."""

    def __init__(self, seed: int, learners: int = 5_000, courses: int = 60) -> None:
        # Not for security: a reproducible stream is the point.
        population = random.Random(f"population:{seed}")  # noqa: S311
        self.courses = _courses(population, courses)
        self.learners = _learners(population, learners, courses)
        self._rng = random.Random(f"statements:{seed}")  # noqa: S311
        self._kinds = list(_KIND_WEIGHTS)
        self._cum_weights = list(itertools.accumulate(_KIND_WEIGHTS.values()))
        self._builders: dict[str, Builder] = {
            "launched": lambda c: ("launched", self._pick(c.modules), None),
            "initialized": lambda c: ("initialized", self._pick(c.modules), None),
            "completed_module": self._completed_module,
            "attempted": lambda c: ("attempted", self._pick(c.assessments), None),
            "assessed": self._assessed,
            "attended": self._attended,
            "completed_course": self._completed_course,
            "commented": self._commented,
            "shared": lambda c: ("shared", self._pick(c.social), None),
            "liked": lambda c: ("liked", self._pick(c.social), None),
            "assigned": lambda c: ("was-assigned", c.activity, None),
            "approved": lambda c: ("approved", c.activity, None),
            "scheduled": lambda c: ("schedule", c.activity, None),
            "rated": self._rated,
            "terminated": self._terminated,
            "performed": lambda c: ("performed", self._pick(c.modules), None),
            "employed": lambda c: ("employed", EMPLOYER, None),
        }
        # Context extensions some kinds carry besides the department.
        self._extensions: dict[str, Callable[[], Statement]] = {
            "assigned": lambda: {DUE_DATE_EXTENSION: self._timestamp()[:10]},
            "scheduled": lambda: {PLANNED_START_EXTENSION: self._timestamp()},
        }

    def statement(self) -> Statement:
        rng = self._rng
        learner = rng.choice(self.learners)
        slot = rng.randrange(len(learner.courses))
        course = self.courses[learner.courses[slot]]
        kind = rng.choices(self._kinds, cum_weights=self._cum_weights)[0]
        verb, obj, result = self._builders[kind](course)
        statement: Statement = {
            "id": _uuid(rng),
            "actor": learner.agent,
            "verb": VERBS[verb],
            "object": obj,
            "context": self._context(learner, slot, course, kind == "attended"),
            "timestamp": self._timestamp(),
        }
        if kind in self._extensions:
            statement["context"]["extensions"].update(self._extensions[kind]())
        if result is not None:
            statement["result"] = result
        return statement

    def batches(self, count: int, size: int) -> Iterator[list[Statement]]:
        """`count` statements in lists of `size` (the last one may be shorter)."""
        while count > 0:
            n = min(size, count)
            yield [self.statement() for _ in range(n)]
            count -= n

    def _pick(self, options: tuple[Statement, ...]) -> Statement:
        return options[self._rng.randrange(len(options))]

    def _context(self, learner: Learner, slot: int, course: Course, meeting: bool) -> Statement:
        context: Statement = {
            "registration": learner.registrations[slot],
            "contextActivities": {"parent": [course.activity], "grouping": [course.program]},
            "platform": "Example LMS",
            "language": "en-US",
            "extensions": {DEPARTMENT_EXTENSION: learner.department},
        }
        if meeting:
            context["instructor"] = course.instructor
        return context

    def _timestamp(self) -> str:
        instant = YEAR_START + self._rng.random() * YEAR_SECONDS
        whole = int(instant)
        millis = int((instant - whole) * 1000)
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{millis:03d}Z"

    def _completed_module(self, course: Course) -> tuple[str, Statement, Statement]:
        minutes = self._rng.randint(3, 90)
        result = {
            "completion": True,
            "duration": _duration(minutes * 60 + self._rng.randint(0, 59)),
        }
        return "completed", self._pick(course.modules), result

    def _assessed(self, course: Course) -> tuple[str, Statement, Statement]:
        rng = self._rng
        top = rng.choice((10, 20, 100))
        raw = round(min(1.0, max(0.0, rng.gauss(0.74, 0.16))) * top)
        scaled = round(raw / top, 4)
        passed = scaled >= 0.7
        result = {
            "score": {"scaled": scaled, "raw": raw, "min": 0, "max": top},
            "success": passed,
            "completion": True,
            "duration": _duration(rng.randint(120, 3600)),
        }
        return ("passed" if passed else "failed"), self._pick(course.assessments), result

    def _attended(self, course: Course) -> tuple[str, Statement, Statement]:
        result = {"duration": _duration(self._rng.randint(20, 120) * 60)}
        return "attended", self._pick(course.meetings), result

    def _completed_course(self, course: Course) -> tuple[str, Statement, Statement]:
        hours = self._rng.randint(2, 40)
        result = {"completion": True, "success": True, "duration": _duration(hours * 3600)}
        return "completed", course.activity, result

    def _rated(self, course: Course) -> tuple[str, Statement, Statement]:
        stars = {"raw": self._rng.choice((2, 3, 4, 4, 5, 5)), "min": 1, "max": 5}
        return "rated", course.activity, {"extensions": {QUALITY_RATING_EXTENSION: stars}}

    def _terminated(self, course: Course) -> tuple[str, Statement, Statement]:
        result = {"duration": _duration(self._rng.randint(5, 120) * 60)}
        return "terminated", self._pick(course.modules), result

    def _commented(self, course: Course) -> tuple[str, Statement, Statement]:
        result = {"response": self._rng.choice(COMMENTS)}
        return "commented", self._pick(course.social), result


def agent_ifi(agent: Statement) -> Statement:
    """The identifying part of an Agent, as the `agent` query parameter takes it."""
    return {key: agent[key] for key in ("mbox", "account") if key in agent}


def agent_key(agent: Statement) -> str:
    """The LRS's canonical agent key (DESIGN.md §3), for the COPY ceiling's projected column."""
    if "mbox" in agent:
        return f"mbox:{agent['mbox']}"
    account = agent["account"]
    return f"account:{account['homePage']}|{account['name']}"
