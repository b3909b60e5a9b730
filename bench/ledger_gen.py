"""A synthetic ledger of any size, built through the project's own bulk paths, for benchmarks.

One plan of ``tasks`` tasks in the style of a 科协 重点工作任务 document, 20 departments and
``tasks / 10`` people bound to Telegram: one 督办员 (admin), leaders a tenth of the people, the
rest staff spread over the departments. Task contents are drawn from a vocabulary of the
documents' phrases (科普讲座, 院士工作站年检, 科技志愿者培训 …), so that a search matches as
selectively as it would in an office's ledger. Most tasks have one leader (some a second), one
lead department (牵头) and up to two responsible ones (责任); deadlines are spread over 2025,
so that a good part is overdue on ``TODAY``; most tasks are open.

Planted, whatever the size: one leader who leads exactly ``PLANTED`` open tasks (and a few
closed ones), exactly ``PLANTED`` open tasks about the 科普大篷车, and no task that mentions
``ABSENT`` (青少年): a search for it finds nothing.

Tasks and their leaders, departments and targets go in through ``models.queries.insert_tasks``
and ``replace_details``, as an import does, so that whatever those keep in step (an index of
the tasks' text) is kept here too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, insert
from sqlmodel import Session, col, select

from models.db import session_scope
from models.queries import TaskDetails, insert_tasks, replace_details
from models.tables import Department, Person, Plan, Role, TaskStatus

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)  # noon in Asia/Shanghai, a Sunday
TODAY = date(2025, 6, 1)
CREATED = datetime(2025, 1, 10, 2, 0, tzinfo=UTC)
PLANTED = 20  # the quiet leader's open tasks, and the open tasks about the 大篷车
PLANTED_CLOSED = 5  # the quiet leader's closed tasks, which 我的待办 leaves out
CARAVAN = "大篷车"  # in exactly PLANTED open tasks
ABSENT = "青少年"  # in no task
CHUNK = 5_000  # tasks per bulk insert
CLOSED = (TaskStatus.done, TaskStatus.cancelled)
TELEGRAM_IDS = 1_000_000  # person n talks from Telegram account TELEGRAM_IDS + n

DEPARTMENTS = [
    "办公室",
    "机关党委",
    "组宣部",
    "学会部",
    "普及部（中心）",
    "市科技馆",
    "科技创新部",
    "调研宣传部",
    "基层工作部",
    "信息中心",
    "财务部",
    "人事部",
    "学术交流中心",
    "科技服务中心",
    "东城区科协",
    "西城区科协",
    "南湖区科协",
    "北山县科协",
    "临江县科协",
    "青松县科协",
]
FOCUSES = [
    "强化政治引领",
    "聚焦科技创新",
    "提升科普能力",
    "服务科技工作者",
    "深化学会改革",
    "夯实基层组织",
    "推进数字科协建设",
    "加强机关自身建设",
]
ACTIONS = [
    "组织开展",
    "深入推进",
    "持续办好",
    "扎实开展",
    "积极推动",
    "完善",
    "加强",
    "举办",
    "落实",
    "指导开展",
]
SUBJECTS = [
    "科普",
    "院士工作站",
    "科技志愿者",
    "学会",
    "基层科协",
    "科普场馆",
    "科学家精神",
    "科技工作者",
    "农村科普",
    "社区科普",
    "老年人科普",
    "应急科普",
    "科普讲堂",
    "科普基地",
    "科技馆",
    "科技智库",
    "学术",
    "企业科协",
    "高校科协",
    "科普信息化",
]
ACTIVITIES = [
    "讲座",
    "培训",
    "年检",
    "巡展",
    "竞赛",
    "评选",
    "调研",
    "宣传",
    "展览",
    "论坛",
    "活动周",
    "服务",
    "考核",
    "换届",
    "交流",
]
# A detail with a count becomes the task's quantitative target: (wording, unit).
COUNTED = [("全年不少于{n}场", "场"), ("培训骨干{n}人次", "人次"), ("新建示范点{n}个", "个")]
PLAIN = ["按季度报送进展", "年底前形成总结报告", "建立工作台账", "确保取得实效"]
MEASURES = [
    "制定实施方案，明确责任分工",
    "加强部门协同，定期调度进展",
    "建立台账，按月报送进展情况",
    "组建志愿者队伍，开展进社区活动",
    "强化经费保障，开展绩效评价",
]
PLACES = ["进社区", "进乡村", "进校园", "进企业"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文"
    "辉力斌宇浩凯健俊帆鹏亮琳晨欣雪慧颖佳倩楠峰鑫波宁"
)


@dataclass(frozen=True)
class SyntheticLedger:
    """What was built, and what the planted questions should answer."""

    tasks: int
    people: int
    admin: int  # Telegram user id of the 督办员
    quiet_leader: int  # Telegram user id of the leader who leads exactly PLANTED open tasks
    # Numbers of the open tasks each question should find (the admin sees every task).
    quiet_tasks: frozenset[str]  # the quiet leader's
    caravan_tasks: frozenset[str]  # about the 大篷车
    overdue_tasks: frozenset[str]  # due before TODAY


def person_name(n: int) -> str:
    """A Chinese name, different for every n below 40 * 50 * 50."""
    return SURNAMES[n % 40] + GIVEN[n // 40 % 50] + GIVEN[n // 2000 % 50]


def _number(n: int) -> str:
    """The number task ``n`` (from 0) has in the document."""
    return str(n + 1)


def _leaders(people: int) -> int:
    """How many of the people are leaders: a tenth (two at least: the quiet one and another)."""
    return max(2, people // 10)


def _people_rows(people: int, departments: list[int]) -> list[dict[str, object]]:
    """Person 0 is the admin, the next _leaders(people) the leaders, the rest staff."""
    leaders = _leaders(people)
    rows: list[dict[str, object]] = []
    for n in range(people):
        role = Role.admin if n == 0 else Role.leader if n <= leaders else Role.staff
        rows.append(
            {
                "name": "督办员" if n == 0 else person_name(n),
                "role": role,
                "department_id": departments[n % len(departments)],
                "telegram_user_id": TELEGRAM_IDS + n,
                "telegram_chat_id": TELEGRAM_IDS + n,
                "language": "zh_CN",
                "reachable": True,
                "active": True,
                "created_at": CREATED,
            }
        )
    return rows


@dataclass
class _Draw:
    """One task as drawn, before it has an id."""

    row: dict[str, object]
    leaders: list[int]
    lead: list[int]
    responsible: list[int]
    targets: list[tuple[str, str, float, str]]


class _Drawer:
    """Draws tasks one by one; the planted ones where their positions come up."""

    def __init__(self, rng: random.Random, *, tasks: int, plan_id: int) -> None:
        self.rng = rng
        self.plan_id = plan_id
        spots = rng.sample(range(tasks), 2 * PLANTED + PLANTED_CLOSED)
        self.caravan = set(spots[:PLANTED])
        self.quiet_open = set(spots[PLANTED : 2 * PLANTED])
        self.quiet_closed = set(spots[2 * PLANTED :])
        self.overdue: set[str] = set()

    def task(self, n: int, leaders: list[int], quiet: int, departments: list[int]) -> _Draw:
        rng = self.rng
        due: date | None = None
        if rng.random() >= 0.05:  # one in twenty has no deadline (持续推进)
            due = date(2025, 1, 1) + timedelta(days=rng.randrange(365))
        status = self._status(due)
        if n in self.caravan or n in self.quiet_open:
            status = rng.choice([TaskStatus.open, TaskStatus.open, TaskStatus.in_progress])
        elif n in self.quiet_closed:
            status = TaskStatus.done
        if due is not None and due < TODAY and status not in CLOSED:
            self.overdue.add(_number(n))
        content, targets = self._content(n)
        assert ABSENT not in content and (CARAVAN in content) == (n in self.caravan), content
        if n in self.quiet_open or n in self.quiet_closed:
            leading = [quiet]
        else:
            leading = [rng.choice(leaders)]
            if rng.random() < 0.15:  # a second leader now and then
                second = rng.choice(leaders)
                leading += [second] if second != leading[0] else []
        lead, *responsible = rng.sample(departments, 1 + rng.choice([0, 0, 1, 1, 2]))
        row: dict[str, object] = {
            "plan_id": self.plan_id,
            "seq": n,
            "number": _number(n),
            "category": None,
            "focus": rng.choice(FOCUSES),
            "content": content,
            "measures": rng.choice(MEASURES),
            "due": due,
            "due_text": "持续推进" if due is None else f"{due.month}月{due.day}日前",
            "due_kind": "continuous" if due is None else "by",
            "recurrence": None,
            "start": None,
            "status": status,
            "created_at": CREATED,
            "updated_at": CREATED,
        }
        return _Draw(row, leading, [lead], responsible, targets)

    def _status(self, due: date | None) -> TaskStatus:
        """Mostly open; more of the tasks already due are done."""
        roll = self.rng.random()
        done = 0.25 if due is not None and due < TODAY else 0.05
        if roll < done:
            return TaskStatus.done
        if roll < done + 0.02:
            return TaskStatus.cancelled
        if roll < done + 0.06:
            return TaskStatus.pending_review
        return TaskStatus.in_progress if roll < done + 0.40 else TaskStatus.open

    def _content(self, n: int) -> tuple[str, list[tuple[str, str, float, str]]]:
        rng = self.rng
        action = rng.choice(ACTIONS)
        if n in self.caravan:
            subject, activity = f"科普{CARAVAN}", rng.choice(PLACES) + "巡展"
        else:
            subject, activity = rng.choice(SUBJECTS), rng.choice(ACTIVITIES)
        targets: list[tuple[str, str, float, str]] = []
        if rng.random() < 0.5:
            wording, unit = rng.choice(COUNTED)
            amount = rng.randrange(2, 60)
            detail = wording.format(n=amount)
            targets.append((detail, subject + activity, float(amount), unit))
        else:
            detail = rng.choice(PLAIN)
        return f"{action}{subject}{activity}，{detail}", targets


def build_ledger(engine: Engine, *, tasks: int, seed: int = 1) -> SyntheticLedger:
    """A ledger of ``tasks`` tasks and ``tasks // 10`` people on ``engine``'s empty,
    migrated database."""
    rng = random.Random(seed)
    people = max(20, tasks // 10)
    with session_scope(engine) as session:
        connection = session.connection()
        connection.execute(insert(Department), [{"name": name} for name in DEPARTMENTS])
        departments = list(session.exec(select(Department.id).order_by(col(Department.id))))
        ids = [id_ for id_ in departments if id_ is not None]
        connection.execute(insert(Person), _people_rows(people, ids))
        plan_id = add_plan(session, title="2025年重点工作任务", year=2025, at=CREATED)
        by_telegram = _people_by_telegram(session)
        leaders = [by_telegram[TELEGRAM_IDS + n] for n in range(1, _leaders(people) + 1)]
        quiet, others = leaders[0], leaders[1:]
        drawer = _Drawer(rng, tasks=tasks, plan_id=plan_id)
        for start in range(0, tasks, CHUNK):
            drawn = [
                drawer.task(n, others, quiet, ids) for n in range(start, min(tasks, start + CHUNK))
            ]
            task_ids = insert_tasks(session, rows=[draw.row for draw in drawn])
            replace_details(
                session,
                details=[
                    TaskDetails(task_id, d.leaders, d.lead, d.responsible, d.targets)
                    for task_id, d in zip(task_ids, drawn, strict=True)
                ],
            )
    return SyntheticLedger(
        tasks=tasks,
        people=people,
        admin=TELEGRAM_IDS,
        quiet_leader=TELEGRAM_IDS + 1,
        quiet_tasks=frozenset(_number(n) for n in drawer.quiet_open),
        caravan_tasks=frozenset(_number(n) for n in drawer.caravan),
        overdue_tasks=frozenset(drawer.overdue),
    )


def add_plan(session: Session, *, title: str, year: int, at: datetime) -> int:
    """A plan for tasks that come from no document (the benchmark's own); its id."""
    plan = Plan(
        title=title,
        year=year,
        source_name="bench",
        source_hash="0" * 64,
        imported_at=at,
        updated_at=at,
    )
    session.add(plan)
    session.flush()
    assert plan.id is not None
    return plan.id


def _people_by_telegram(session: Session) -> dict[int, int]:
    rows = session.exec(select(Person.telegram_user_id, Person.id)).all()
    return {telegram: id_ for telegram, id_ in rows if telegram is not None and id_ is not None}
