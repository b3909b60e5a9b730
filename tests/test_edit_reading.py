"""Reading the clerk's ledger-keeping messages (nlu.edits), the words alone: each phrase pins
the changes read in full, and the look-alikes pin that nothing is read."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest

from nlu.edits import Edit, NewTask, read_edits, read_new_task, scan_edits
from nlu.understand import understand

TODAY = date(2025, 5, 26)  # a Monday
LEADERS = ("郑昌盛", "陈汉平", "李麟", "李义词")
DEPARTMENTS = ("办公室", "机关党委", "学会部", "组宣部", "普及部（中心）", "市科技馆", "市馆")


def edits(text: str, *, known: bool = True) -> list[tuple[Any, ...]]:
    """The changes read, as (field, mode, names, due, text, amount) for comparing."""
    found = read_edits(
        text,
        today=TODAY,
        leaders=LEADERS if known else (),
        departments=DEPARTMENTS if known else (),
    )
    return [_plain(edit) for edit in found]


def _plain(edit: Edit) -> tuple[Any, ...]:
    amount = (edit.quantity.value, edit.quantity.unit) if edit.quantity else None
    return (edit.field, edit.mode, edit.names, edit.due, edit.text, amount)


def leader(*names: str, mode: str = "set") -> tuple[Any, ...]:
    return ("leader", mode, names, None, "", None)


def lead(*names: str, mode: str = "set") -> tuple[Any, ...]:
    return ("lead", mode, names, None, "", None)


def shared(*names: str, mode: str = "set") -> tuple[Any, ...]:
    return ("responsible", mode, names, None, "", None)


def due(day: str) -> tuple[Any, ...]:
    return ("due", "set", (), date.fromisoformat(day), "", None)


def words(field: str, text: str, mode: str = "set") -> tuple[Any, ...]:
    return (field, mode, (), None, text, None)


def target(value: float, unit: str) -> tuple[Any, ...]:
    return ("target", "set", (), None, "", (value, unit))


def cancel(reason: str = "") -> tuple[Any, ...]:
    return ("cancel", "set", (), None, reason, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第8项由陈汉平负责", [leader("陈汉平")]),
        ("第十二项责任领导改成郑昌盛", [leader("郑昌盛")]),
        ("12号任务分管领导调整为李义词", [leader("李义词")]),
        ("把第7项交给李麟同志", [leader("李麟")]),
        ("第7项转交给郑昌盛负责", [leader("郑昌盛")]),
        ("第7项请陈汉平副主席分管", [leader("陈汉平")]),
        ("#7 负责人：李麟", [leader("李麟")]),
        ("第7项责任领导由李麟改为陈汉平", [leader("陈汉平")]),
        ("第7项责任领导改为李麟、陈汉平", [leader("李麟", "陈汉平")]),
        ("第七项由郑昌盛和李义词共同负责", [leader("郑昌盛", "李义词")]),
        ("第7项陈汉平负责", [leader("陈汉平")]),
        ("第7项增加李麟", [leader("李麟", mode="add")]),
        ("第7项再加上李义词为责任领导", [leader("李义词", mode="add")]),
        ("第7项责任领导里加上郑昌盛", [leader("郑昌盛", mode="add")]),
        ("第7项让陈汉平也一起负责", [leader("陈汉平", mode="add")]),
        ("第7项去掉李麟", [leader("李麟", mode="remove")]),
        ("第7项责任领导删除郑昌盛", [leader("郑昌盛", mode="remove")]),
        ("第7项去掉李麟的分管领导", [leader("李麟", mode="remove")]),
        ("第7项不再由李义词负责", [leader("李义词", mode="remove")]),
        ("第7项陈汉平不再分管了", [leader("陈汉平", mode="remove")]),
        ("把李麟从第7项的责任领导中去掉", [leader("李麟", mode="remove")]),
    ],
)
def test_who_leads_a_task_is_read_as_its_leader(text: str, expected: list[Any]) -> None:
    assert edits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第3项由王五负责", [leader("王五")]),
        ("第3项交给刘建国", [leader("刘建国")]),
        ("第3项分管领导换成欧阳明华", [leader("欧阳明华")]),
        ("第3项增加张明副主席为责任领导", [leader("张明", mode="add")]),
        ("第3项由市林业局牵头", [lead("市林业局")]),
        ("第3项配合单位加上区科协", [shared("区科协", mode="add")]),
        ("第3项牵头单位：学会部、组宣部", [lead("学会部", "组宣部")]),
    ],
)
def test_a_name_the_ledger_does_not_know_yet_is_read_by_its_shape(
    text: str, expected: list[Any]
) -> None:
    assert edits(text, known=False) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第4项牵头单位调整为组宣部", [lead("组宣部")]),
        ("第4项改由学会部牵头", [lead("学会部")]),
        ("第4项由普及部(中心)牵头", [lead("普及部（中心）")]),
        ("第4项牵头部门：办公室", [lead("办公室")]),
        ("第4项牵头改成市科技馆、市馆", [lead("市科技馆", "市馆")]),
        ("第4项牵头：组宣部，学会部", [lead("组宣部", "学会部")]),
        ("第4项学会部牵头", [lead("学会部")]),
        ("第4项交给组宣部牵头", [lead("组宣部")]),
        ("第4项由学会部负责", [lead("学会部")]),
        ("第4项就由学会部来牵头吧", [lead("学会部")]),
        ("第4项牵头单位由学会部换成组宣部", [lead("组宣部")]),
        ("第4项增加办公室为牵头单位", [lead("办公室", mode="add")]),
        ("第4项组宣部也牵头", [lead("组宣部", mode="add")]),
        ("第4项牵头单位里去掉学会部", [lead("学会部", mode="remove")]),
        ("第4项不再由学会部牵头", [lead("学会部", mode="remove")]),
        ("第4项学会部不再牵头了", [lead("学会部", mode="remove")]),
    ],
)
def test_the_departments_that_lead_are_read_as_lead(text: str, expected: list[Any]) -> None:
    assert edits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第5项配合单位改为办公室", [shared("办公室")]),
        ("第5项责任单位：组宣部、学会部", [shared("组宣部", "学会部")]),
        ("第5项责任部门换成机关党委和办公室", [shared("机关党委", "办公室")]),
        ("第5项组宣部配合", [shared("组宣部")]),
        ("第5项配合单位增加市科技馆", [shared("市科技馆", mode="add")]),
        ("第5项增加办公室为配合单位", [shared("办公室", mode="add")]),
        ("第5项请组宣部配合", [shared("组宣部", mode="add")]),
        ("第5项学会部也参与", [shared("学会部", mode="add")]),
        ("第5项增加办公室", [shared("办公室", mode="add")]),
        ("第5项不需要组宣部配合了", [shared("组宣部", mode="remove")]),
        ("第5项不用办公室再配合", [shared("办公室", mode="remove")]),
        ("第5项办公室不再配合", [shared("办公室", mode="remove")]),
        ("第5项配合单位去掉学会部", [shared("学会部", mode="remove")]),
        ("第5项去掉组宣部", [shared("组宣部", mode="remove")]),
        ("第5项去掉配合单位组宣部", [shared("组宣部", mode="remove")]),
        ("第5项配合部门不要学会部了", [shared("学会部", mode="remove")]),
        ("第5项增加配合单位办公室", [shared("办公室", mode="add")]),
        ("把办公室从第5项的配合单位中删除", [shared("办公室", mode="remove")]),
    ],
)
def test_the_departments_that_share_are_read_as_responsible(text: str, expected: list[Any]) -> None:
    assert edits(text) == expected


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("第6项6月底前完成", "2025-06-30"),
        ("第6项要在7月15日前完成", "2025-07-15"),
        ("第6项务必于8月底前办结", "2025-08-31"),
        ("第6项确保国庆前完成", "2025-09-30"),
        ("第6项截止时间改为9月30日", "2025-09-30"),
        ("第6项截止日期：10月31号", "2025-10-31"),
        ("第6项期限调整为年底", "2025-12-31"),
        ("第6项完成时限定为2025年10月", "2025-10-31"),
        ("第6项完成时间改成三季度末", "2025-09-30"),
        ("第6项截止时间由6月30日改为9月30日", "2025-09-30"),
        ("第6项时限提前到6月15日", "2025-06-15"),
        ("第6项 截止时间 改成 7.31", "2025-07-31"),
        ("第6项deadline改为下周五", "2025-06-06"),
        ("第6项截止改为3月底", "2026-03-31"),  # a month passed in May is next year's
        ("第6项完成时限为明年一季度", "2026-03-31"),
    ],
)
def test_a_deadline_told_is_read_with_the_chat_year(text: str, day: str) -> None:
    (edit,) = read_edits(text, today=TODAY, leaders=LEADERS, departments=DEPARTMENTS)
    assert (edit.field, edit.due) == ("due", date.fromisoformat(day))
    assert edit.due_text and edit.due_text in text


def test_a_deadline_keeps_the_words_that_gave_it_and_no_others() -> None:
    (edit,) = read_edits("第6项确保6月底前完成", today=TODAY)
    assert edit.due_text == "6月底前"
    (edit,) = read_edits("第6项期限改为持续推进", today=TODAY)
    assert (edit.due, edit.due_text) == (None, "持续推进")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "第9项内容改为：组织两期培训班，每期50人。",
            [words("content", "组织两期培训班，每期50人。")],
        ),
        ("第9项任务名称：科技工作者能力提升培训", [words("content", "科技工作者能力提升培训")]),
        ("第9项的工作内容修改为推进“科创湖北”建设", [words("content", "推进“科创湖北”建设")]),
        (
            "第9项措施改为：1.举办培训班；2.组织研讨，形成报告",
            [words("measures", "1.举办培训班；2.组织研讨，形成报告")],
        ),
        ("第9项具体措施：走访32家学会", [words("measures", "走访32家学会")]),
        (
            "第9项措施里补充一条：年底前形成调研报告",
            [words("measures", "年底前形成调研报告", mode="add")],
        ),
        (
            "第9项由李麟负责，内容改为：举办科技论坛，由学会部承办",
            [leader("李麟"), words("content", "举办科技论坛，由学会部承办")],
        ),
    ],
)
def test_new_words_run_to_the_end_as_written(text: str, expected: list[Any]) -> None:
    assert edits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第15项目标改为45场", [target(45, "场")]),
        ("第15项的目标调整到50场", [target(50, "场")]),
        ("第15项目标由40场下调为30场", [target(30, "场")]),
        ("大篷车巡展目标提高到四十五场", [target(45, "场")]),
        ("第14项指标改为120所学校", [target(120, "所")]),
        ("第12项全年目标：600篇", [target(600, "篇")]),
        ("第24项目标定为新建3家院士工作站", [target(3, "家")]),
    ],
)
def test_a_target_is_read_with_its_amount(text: str, expected: list[Any]) -> None:
    assert edits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第6项作废", [cancel()]),
        ("取消第6项", [cancel()]),
        ("撤销第6项任务", [cancel()]),
        ("第6项这个任务不做了", [cancel()]),
        ("第6项取消，原因：上级通知不再开展", [cancel("上级通知不再开展")]),
        ("第6项不办了，因为经费没有落实", [cancel("经费没有落实")]),
        ("第6项删除，理由是与第7项重复", [cancel("与第7项重复")]),
        ("因机构调整，撤销第6项", [cancel("机构调整")]),
        ("第6项撤掉吧，上面不让搞了", [cancel("上面不让搞了")]),
        ("大篷车那项任务取消", [cancel()]),
        ("第6项停止执行", [cancel()]),
        ("第6项取消，不做了", [cancel()]),
    ],
)
def test_a_cancel_is_read_with_its_reason(text: str, expected: list[Any]) -> None:
    assert edits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "第3项由李麟负责，学会部牵头，6月底前完成",
            [leader("李麟"), lead("学会部"), due("2025-06-30")],
        ),
        (
            "第3项：陈汉平负责；组宣部牵头；办公室配合；年底前完成",
            [leader("陈汉平"), lead("组宣部"), shared("办公室"), due("2025-12-31")],
        ),
        ("第3项 李麟负责 学会部牵头 9月底前", [leader("李麟"), lead("学会部"), due("2025-09-30")]),
        ("第3项交给李麟，截止时间改为10月底", [leader("李麟"), due("2025-10-31")]),
        ("第15项目标改为45场，期限调整为年底", [target(45, "场"), due("2025-12-31")]),
        (
            "第3项增加王五为责任领导，增加赵六为责任领导",
            [leader("王五", "赵六", mode="add")],
        ),
        ("第3项交给李麟吧，谢谢", [leader("李麟")]),
        ("因工作调整，第3项改由李麟负责", [leader("李麟")]),
        ("第3项改由李麟负责，因为王五调走了", [leader("李麟")]),
    ],
)
def test_several_changes_in_one_message_are_each_read(text: str, expected: list[Any]) -> None:
    assert edits(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # questions
        "第3项谁负责",
        "第3项是李麟负责吗",
        "第3项交给李麟了吗",
        "第3项是不是改由李麟负责了",
        "第3项的牵头单位是哪个",
        "第3项截止时间是哪天",
        "第3项的措施是什么",
        "第3项内容为什么没更新",
        "第15项目标是多少场",
        "第3项年底前能完成吗",
        # a later deadline asked for: an extension request
        "第20项推迟到明年3月",
        "第5项能不能延期到7月",
        "第3项期限能不能改到9月底",
        "第3项截止时间能否调整为9月30日",
        "第3项申请把截止时间改为9月底",
        # reports
        "第5项办完了",
        "大篷车已经跑了25场",
        "第13项由普及部牵头召开了联席会议",
        "大篷车巡展由市科技馆负责，已经跑了25场",
        "第3项培训班已经办了两期，由学会部牵头",
        "第15项目标40场，已经跑了32场",
        "第3项预计6月底前完成",
        "第3项的会议取消了，改到下周",
        "第3项培训班取消了一期",
        "座谈会时间定在6月10日",
        "因为下雨，第3项的活动取消了",
        "第3项已经交给李麟负责了",
        "第3项学会部牵头，已经开了两次会",
        # a change each for two tasks: one list of changes cannot say which is whose
        "第3项由李麟负责，第4项由陈汉平负责",
        # lists and small talk
        "学会部负责哪些任务",
        "我负责的任务",
        "组宣部牵头的逾期任务",
        "晚上的会取消了",
        "取消提醒",
        "第3项给我看看",
        "第3项交给我吧",
        "第3项由我来负责",
        "谢谢",
    ],
)
def test_what_only_looks_like_a_change_is_not_read_as_one(text: str) -> None:
    assert read_edits(text, today=TODAY, leaders=LEADERS, departments=DEPARTMENTS) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # no 为/成 after the field, a 的 or 就 between, 只留 keeping one
        ("第7项负责人改陈汉平", [leader("陈汉平")]),
        ("第7项分管领导换郑昌盛", [leader("郑昌盛")]),
        ("第7项责任领导就改成李义词吧", [leader("李义词")]),
        ("第7项分管的就改为李麟", [leader("李麟")]),
        ("第4项牵头的改成市科技馆", [lead("市科技馆")]),
        ("第4项牵头单位改学会部", [lead("学会部")]),
        ("第5项配合的改为组宣部", [shared("组宣部")]),
        ("第7项责任领导只留陈汉平", [leader("陈汉平")]),
        ("第7项负责领导只留李麟和郑昌盛", [leader("李麟", "郑昌盛")]),
        ("第5项配合单位只保留办公室", [shared("办公室")]),
        # the old value before the new one, with no 由/从
        ("第4项牵头单位学会部改成组宣部", [lead("组宣部")]),
        ("第7项责任领导李麟改为郑昌盛", [leader("郑昌盛")]),
        ("第5项配合单位 组宣部 换成 办公室", [shared("办公室")]),
    ],
)
def test_a_field_set_in_fewer_words_is_read(text: str, expected: list[Any]) -> None:
    assert edits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "第5项配合单位把办公室换成学会部",
            [shared("办公室", mode="remove"), shared("学会部", mode="add")],
        ),
        (
            "第4项牵头单位把学会部换成组宣部",
            [lead("学会部", mode="remove"), lead("组宣部", mode="add")],
        ),
        (
            "第7项把责任领导里的李麟换成陈汉平",
            [leader("李麟", mode="remove"), leader("陈汉平", mode="add")],
        ),
        (
            "把第5项配合部门中的组宣部改为机关党委",
            [shared("组宣部", mode="remove"), shared("机关党委", mode="add")],
        ),
        (
            "第7项分管领导将郑昌盛同志换成李义词",
            [leader("郑昌盛", mode="remove"), leader("李义词", mode="add")],
        ),
    ],
)
def test_one_name_swapped_for_another_removes_one_and_adds_the_other(
    text: str, expected: list[Any]
) -> None:
    assert edits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第7项责任领导改为李麟，牵头单位不变", [leader("李麟")]),
        ("第7项截止时间改为9月底 其他不变", [due("2025-09-30")]),
        ("第7项牵头的还是组宣部不变，配合单位加上办公室", [shared("办公室", mode="add")]),
        ("第7项负责人换成陈汉平然后截止时间保持不变", [leader("陈汉平")]),
        ("第7项目标不变，时限调整为11月底", [due("2025-11-30")]),
        ("第7项牵头单位仍为学会部不变，责任领导加上李义词", [leader("李义词", mode="add")]),
    ],
)
def test_a_field_said_to_stay_is_no_change(text: str, expected: list[Any]) -> None:
    assert edits(text) == expected


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # from one date to another: the one after the verb
        ("第6项完成时限9月底改为10月底", "2025-10-31"),
        ("第6项截止时间 6月30日 调整为 7月31日", "2025-07-31"),
        ("第6项期限2025年8月改成2025年11月", "2025-11-30"),
        # a later date told beside its field
        ("第6项截止日期延到8月20日", "2025-08-20"),
        ("第6项完成时限顺延至10月15日", "2025-10-15"),
        ("第6项期限推迟到年底", "2025-12-31"),
        ("第6项截止时间延期到9.30", "2025-09-30"),
        # 截至 for 截止; 时间 opening the change
        ("第6项截至日期改成11月30号", "2025-11-30"),
        ("第6项的截至时间调整为10月底", "2025-10-31"),
        ("第6项时间改到11月", "2025-11-30"),
        ("第6项的时间调到8月底", "2025-08-31"),
    ],
)
def test_a_deadline_moved_or_told_later_is_read(text: str, day: str) -> None:
    (edit,) = read_edits(text, today=TODAY, leaders=LEADERS, departments=DEPARTMENTS)
    assert (edit.field, edit.due) == ("due", date.fromisoformat(day))
    assert edit.due_text and edit.due_text in text


def test_time_said_after_other_changes_is_the_deadline() -> None:
    assert edits("第3项由李麟负责，时间调整为10月底") == [leader("李麟"), due("2025-10-31")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第15项巡展目标调成40场", [target(40, "场")]),
        ("第24项院士工作站目标由2家提到3家", [target(3, "家")]),
        ("第19项研学目标从10场调至12场", [target(12, "场")]),
        ("第12项发稿目标改到500篇", [target(500, "篇")]),
        # no 目标: a verb that changes an amount, right before it
        ("第8项专题讲座改成20场", [target(20, "场")]),
        ("第8项培训班调整为3期", [target(3, "期")]),
        ("第8项 专题讲座改成20场 科普展览改为5期", [target(20, "场"), target(5, "期")]),
        ("第8项讲座调整为20场，展览调整为5期", [target(20, "场"), target(5, "期")]),
        ("第8项讲座目标改为20场，展览目标提高到6期", [target(20, "场"), target(6, "期")]),
        ("第8项培训班由2期改成3期", [target(3, "期")]),
        ("第8项 讲座从10场提高到12场 展览由3期改为5期", [target(12, "场"), target(5, "期")]),
        ("第8项讲座改成20场，截止时间改为9月底", [target(20, "场"), due("2025-09-30")]),
    ],
)
def test_a_target_changed_in_other_words_is_read(text: str, expected: list[Any]) -> None:
    assert edits(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "第7项截止时间不变",
        "第7项牵头单位还是学会部不变",
        "第7项其他不变",
        "第6项截止日期能不能延到8月底",
        "申请第6项完成时限延到9月",
        "第6项时间来不及了，延到9月底",
        "第6项截止时间延到8月底可以吗",
        "第6项推迟到8月底",
        "第6项的座谈会时间改到6月10日",
        "第6项截至目前完成了5场",
        "第8项讲座已经办了20场",
        "第8项讲座改成20场了吗",
        "第8项讲座改成了20场",
        "第8项讲座改成20场，已经办了5场",
        "第3项牵头单位是不是改成学会部了",
        "第3项负责人改了吗",
    ],
)
def test_what_only_looks_like_these_changes_is_not_read_as_one(text: str) -> None:
    assert read_edits(text, today=TODAY, leaders=LEADERS, departments=DEPARTMENTS) == ()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("第6项截止日期延到8月20日", "edit"),
        ("第6项截止日期能不能延到8月底", "extend"),
        ("申请第6项完成时限延到9月", "extend"),
        ("第6项推迟到8月底", "extend"),
        ("第6项截止时间延到8月底可以吗", "extend"),
        ("第6项截至目前完成了5场", "progress"),
        ("第8项讲座已经办了20场", "progress"),
        ("第3项负责人是谁", "question"),
        ("第3项牵头的是哪个部门", "question"),
    ],
)
def test_a_deadline_told_is_a_change_and_one_asked_for_a_request(text: str, kind: str) -> None:
    assert understand(text, today=TODAY, leaders=LEADERS, departments=DEPARTMENTS).kind == kind


def test_a_changes_text_keeps_the_task_numbers_it_mentions_out_of_the_tasks_named() -> None:
    scan = scan_edits("第4项不做了，因为学会党建工作已并入第5项", today=TODAY)
    assert scan.numbers == ("4",)
    assert [_plain(edit) for edit in scan.edits] == [cancel("学会党建工作已并入第5项")]
    scan = scan_edits("第9项内容改为：与第10项合并开展", today=TODAY)
    assert scan.numbers == ("9",)
    scan = scan_edits("因为第5项已经包含，第4项由李麟负责", today=TODAY)
    assert (scan.numbers, [_plain(edit) for edit in scan.edits]) == (("4",), [leader("李麟")])


def test_the_words_before_a_change_name_the_task() -> None:
    assert scan_edits("大篷车那项交给李麟负责", today=TODAY).topic == "大篷车那项"
    assert scan_edits("把大篷车的目标改为45场", today=TODAY).topic == "大篷车"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "新增任务：组织全市科普讲解大赛，普及部牵头，李麟负责，9月底前",
            NewTask(
                "组织全市科普讲解大赛",
                leaders=("李麟",),
                lead=("普及部",),
                due=date(2025, 9, 30),
                due_text="9月底前",
            ),
        ),
        (
            "加一项任务：开展科技工作者健康体检，由学会部负责，年底前完成",
            NewTask(
                "开展科技工作者健康体检",
                lead=("学会部",),
                due=date(2025, 12, 31),
                due_text="年底前",
            ),
        ),
        (
            "新增一项工作：举办青少年机器人竞赛（牵头单位：组宣部；责任领导：陈汉平；"
            "完成时限：2025年12月）",
            NewTask(
                "举办青少年机器人竞赛",
                leaders=("陈汉平",),
                lead=("组宣部",),
                due=date(2025, 12, 31),
                due_text="2025年12月",
            ),
        ),
        (
            "增加任务 编印科普读物一本，配合单位办公室",
            NewTask("编印科普读物一本", responsible=("办公室",)),
        ),
        ("新增任务：开展“科技助力乡村振兴”专题调研", NewTask("开展“科技助力乡村振兴”专题调研")),
        (
            "新增任务 组织优秀科技工作者评选 组宣部牵头 陈汉平负责 11月底前",
            NewTask(
                "组织优秀科技工作者评选",
                leaders=("陈汉平",),
                lead=("组宣部",),
                due=date(2025, 11, 30),
                due_text="11月底前",
            ),
        ),
        (
            "台账里新增一项：开展院士专家进企业活动，全年不少于10场，由组宣部牵头",
            NewTask("开展院士专家进企业活动，全年不少于10场", lead=("组宣部",)),
        ),
        (
            "新增任务：建立科技志愿者服务队，措施：每季度开展一次培训，年底总结；李麟负责",
            NewTask("建立科技志愿者服务队", ("李麟",), measures="每季度开展一次培训，年底总结"),
        ),
        (
            "请帮我新增一项任务：走访慰问老科技工作者，组宣部、学会部牵头，市科技馆配合，国庆前完成",
            NewTask(
                "走访慰问老科技工作者",
                lead=("组宣部", "学会部"),
                responsible=("市科技馆",),
                due=date(2025, 9, 30),
                due_text="国庆前",
            ),
        ),
    ],
)
def test_a_new_task_is_read_with_the_fields_it_says(text: str, expected: NewTask) -> None:
    assert read_new_task(text, today=TODAY, leaders=LEADERS, departments=DEPARTMENTS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "新增任务 举办青少年科技节 市科技馆牵头 李麟 9月底前",
            NewTask(
                "举办青少年科技节",
                leaders=("李麟",),
                lead=("市科技馆",),
                due=date(2025, 9, 30),
                due_text="9月底前",
            ),
        ),
        (
            "新增一条 科技周活动10场 普及部（中心） 陈汉平 9.15",
            NewTask(
                "科技周活动10场",
                leaders=("陈汉平",),
                lead=("普及部（中心）",),
                due=date(2025, 9, 15),
                due_text="9.15",
            ),
        ),
        (
            "加一项任务 陈汉平 李义词 共同负责 学会部 组宣部牵头 开展学会评估 11.30",
            NewTask(
                "开展学会评估",
                leaders=("陈汉平", "李义词"),
                lead=("学会部", "组宣部"),
                due=date(2025, 11, 30),
                due_text="11.30",
            ),
        ),
        (
            "新增任务 组织业务培训 配合单位学会部 办公室 李麟负责",
            NewTask("组织业务培训", leaders=("李麟",), responsible=("学会部", "办公室")),
        ),
        (
            "新增任务 组织业务培训 组宣部牵头 机关党委 郑昌盛",
            NewTask("组织业务培训", leaders=("郑昌盛",), lead=("组宣部", "机关党委")),
        ),
        (
            "新增任务 建设社区科普馆 李麟负责",  # a department's shape in the words is no lead
            NewTask("建设社区科普馆", leaders=("李麟",)),
        ),
        (
            "新增任务：学会部牵头，建设社区科普馆",
            NewTask("建设社区科普馆", lead=("学会部",)),
        ),
    ],
)
def test_a_new_task_typed_apart_reads_names_said_alone(text: str, expected: NewTask) -> None:
    assert read_new_task(text, today=TODAY, leaders=LEADERS, departments=DEPARTMENTS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "新加一项任务：内容是组织科普讲座，学会部牵头",
            NewTask("组织科普讲座", lead=("学会部",)),
        ),
        (
            "台账里再加一项任务：牵头单位组宣部，内容：开展院士专家活动，年底前",
            NewTask(
                "开展院士专家活动",
                lead=("组宣部",),
                due=date(2025, 12, 31),
                due_text="年底前",
            ),
        ),
        (
            "新增一项，责任领导郑昌盛，任务内容：修订机关考勤制度",
            NewTask("修订机关考勤制度", leaders=("郑昌盛",)),
        ),
        (
            "补充工作任务一项：开展学会调研（牵头：学会部、办公室 责任领导：李麟）",
            NewTask("开展学会调研", leaders=("李麟",), lead=("学会部", "办公室")),
        ),
        (
            "再加个任务：编写年鉴，牵头办公室，责任领导郑昌盛",
            NewTask("编写年鉴", leaders=("郑昌盛",), lead=("办公室",)),
        ),
        (
            "台账里加一条：印发科普宣传册，牵头市科技馆（市馆）",
            NewTask("印发科普宣传册", lead=("市科技馆（市馆）",)),
        ),
        (
            "嗯加一个任务啊就是那个科技周的宣传由组宣部牵头然后李麟负责十月底之前完成",
            NewTask(
                "科技周的宣传",
                leaders=("李麟",),
                lead=("组宣部",),
                due=date(2025, 10, 31),
                due_text="十月底前",
            ),
        ),
    ],
)
def test_a_new_task_opened_or_worded_otherwise_is_read(text: str, expected: NewTask) -> None:
    assert read_new_task(text, today=TODAY, leaders=LEADERS, departments=DEPARTMENTS) == expected


def test_a_voice_typed_new_task_is_an_add_not_a_change() -> None:
    text = "嗯新增一个任务啊就是那个科技周的宣传由组宣部牵头然后李麟负责十月底之前完成"
    reading = understand(text, today=TODAY, leaders=LEADERS, departments=DEPARTMENTS)
    assert reading.kind == "add" and reading.edits == ()


@pytest.mark.parametrize(
    "text",
    [
        "新增的任务有哪些",
        "新增了几项任务？",
        "第3项增加一项措施",
        "新增",
        "新增任务",
        "学会部新增任务：组织培训",
        "大篷车新增了5场",
        "新加的任务有哪些",
        "嗯新增了几项任务",
        "增加一项措施：每月报送",
        "增加一项：目标改为30场",
    ],
)
def test_what_is_not_a_new_task_is_not_read_as_one(text: str) -> None:
    assert read_new_task(text, today=TODAY) is None


def test_understanding_names_a_change_edit_and_a_new_task_add() -> None:
    reading = understand("第3项由李麟负责，6月底前完成", today=TODAY, leaders=LEADERS)
    assert (reading.kind, reading.numbers) == ("edit", ("3",))
    assert [edit.field for edit in reading.edits] == ["leader", "due"]
    reading = understand("大篷车那项交给李麟", today=TODAY, leaders=LEADERS)
    assert (reading.kind, reading.numbers, reading.topic) == ("edit", (), "大篷车")
    reading = understand("新增任务：组织科普讲解大赛，普及部牵头", today=TODAY)
    assert reading.kind == "add" and reading.new_task is not None
    assert reading.new_task.lead == ("普及部",)


def test_a_change_without_a_task_is_not_an_edit() -> None:
    assert understand("李义词负责的", today=TODAY, leaders=LEADERS).kind != "edit"
    assert understand("6月底前完成", today=TODAY).kind != "edit"


def test_what_a_message_is_does_not_depend_on_the_date() -> None:
    undated = understand("第3项截止时间改为9月30日")
    assert undated.kind == "edit" and undated.edits[0].due is None
    assert undated.edits[0].due_text == "9月30日"
    new = understand("新增任务：组织培训，9月底前")
    assert new.new_task is not None and new.new_task.due is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("第20项推迟到明年3月", "extend"),
        ("第5项能不能延期到7月", "extend"),
        ("第3项什么时候到期", "question"),
        ("第5项办完了", "done"),
        ("大篷车已经跑了25场", "progress"),
        ("第3项交给李麟了吗", "question"),
        ("第21项还需要办公室配合吗", "question"),
    ],
)
def test_requests_questions_and_reports_keep_their_kind(text: str, kind: str) -> None:
    assert understand(text, today=TODAY, leaders=LEADERS, departments=DEPARTMENTS).kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "第3项由" + "李" * 4000 + "负责",
        "第3项" + "大篷车" * 1300 + "6月底前完成",
        "第3项" + "李麟负责，" * 800,
        "新增任务：" + "组织培训，" * 800,
    ],
)
def test_a_message_as_long_as_telegram_allows_is_read_in_good_time(text: str) -> None:
    start = time.perf_counter()
    understand(text, today=TODAY, leaders=LEADERS, departments=DEPARTMENTS)
    assert time.perf_counter() - start < 2.0


def test_a_clause_too_long_for_a_change_is_not_read_as_one() -> None:
    assert read_edits("第3项由" + "李" * 100 + "负责", today=TODAY) == ()
