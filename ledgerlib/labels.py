"""Every Chinese label the suite shows: templates, charts, reports, problem lists.

Code uses English snake_case keys; this module is the one place that maps them to the
words people read. Import the dicts, never retype a label.
"""
from __future__ import annotations

# Ledger columns as printed in the notice / ledger workbook.
LEDGER_HEADER = ["一级指标", "二级指标", "具体任务", "完成时限", "责任部门"]

COLUMN_LABELS: dict[str, str] = {
    "city": "城市",
    "task_id": "任务编号",
    "plan_year": "年度",
    "indicator_no": "一级指标序号",
    "indicator": "一级指标",
    "sub_indicator": "二级指标",
    "task": "具体任务",
    "deadline_text": "完成时限",
    "deadline_kind": "时限类型",
    "due_date": "截止日期",
    "recurrence": "周期要求",
    "min_per_period": "每期最少次数",
    "departments_text": "责任部门",
    "lead": "牵头部门",
    "responsible": "负责部门",
    "cooperating": "配合部门",
    "flags": "标记",
    "source": "来源",
    "department": "部门",
    "role": "职责",
    "via": "所属集合名称",
    "month": "月份",
    "quarter": "季度",
    "status": "进展状态",
    "completion_date": "完成日期",
    "progress_note": "本月进展",
    "evidence": "佐证材料",
    "issues": "存在问题",
    "file": "文件",
    "sheet": "工作表",
    "cell": "单元格",
    "field": "字段",
    "value": "填写内容",
    "problem": "问题",
    "expected": "应填写",
    "severity": "级别",
}

DEADLINE_KIND_LABELS = {"date": "限时完成", "ongoing": "持续推进", "event": "按部署实施"}
RECURRENCE_LABELS = {"none": "无", "monthly": "每月", "quarterly": "每季度"}
ROLE_LABELS = {"lead": "牵头", "responsible": "负责", "cooperating": "配合"}
KIND_LABELS = {"section": "局机关科室", "unit": "局属单位"}
SEVERITY_LABELS = {"error": "错误", "warning": "提示"}

# 任务进展 / 进展状态 drop-down; keys are what the processed tables hold.
STATUS_LABELS: dict[str, str] = {
    "done": "已完成",
    "in_progress": "推进中",
    "not_started": "未启动",
    "not_applicable": "不适用",
}

# 活动台账 / 活动类型 drop-down.
ACTIVITY_LABELS: dict[str, str] = {
    "study_session": "信用专题学习",
    "special_meeting": "专题会议",
    "case_published": "联合奖惩案例公示",
    "result_list_submitted": "联合奖惩成效清单报送",
    "dishonest_list_submitted": "失信名单报送",
    "credit_repair": "信用修复",
    "interview": "约谈",
    "training": "培训",
    "publicity_event": "宣传活动",
    "other": "其他",
}

# 双公示 / 类别.
PUBLICITY_CATEGORY_LABELS = {"license": "行政许可", "penalty": "行政处罚"}

# Submission workbook: sheet names and their headers, in template order.
SHEET_PROGRESS = "任务进展"
SHEET_ACTIVITIES = "活动台账"
SHEET_PUBLICITY = "双公示"
SHEET_COLLECTION = "信用归集"
SHEET_SHARED = "共享记录"
SHEET_JOINT_CASES = "联合奖惩成效"

PROGRESS_HEADERS = ["任务编号", "一级指标", "具体任务", "完成时限", "进展状态", "完成日期", "本月进展", "佐证材料", "存在问题"]
ACTIVITY_HEADERS = ["日期", "活动类型", "数量", "说明"]
PUBLICITY_HEADERS = ["决定文书号", "类别", "决定日期", "公示日期"]
COLLECTION_HEADERS = ["业务领域", "市场主体总数", "已归集主体数"]
# The ledger names these five fields for the 联合奖惩成效清单.
JOINT_CASE_HEADERS = ["被执行主体", "执行措施", "执行部门", "执行时间", "具体事项"]

# Cover block labels (填报单位, 报送月份, 填报人, 填报日期).
COVER_LABELS = {"department": "填报单位", "month": "报送月份", "filled_by": "填报人", "filled_on": "填报日期"}

SUBMISSION_STATUS_LABELS = {"on_time": "按时报送", "late": "逾期报送", "missing": "未报送"}
ASSIGNMENT_STATUS_LABELS = {
    "done_on_time": "按期完成",
    "done_late": "逾期完成",
    "done": "已完成",
    "overdue": "逾期未完成",
    "in_progress": "推进中",
    "not_started": "未启动",
    "not_due": "未到期",
    "no_report": "未报送",
    "not_applicable": "不适用",
}
PASS_LABELS = {True: "达标", False: "未达标"}


def label(key: str) -> str:
    """Chinese label for a column or value key; the key itself when none is defined."""
    for table in (COLUMN_LABELS, STATUS_LABELS, ACTIVITY_LABELS, ASSIGNMENT_STATUS_LABELS,
                  SUBMISSION_STATUS_LABELS, DEADLINE_KIND_LABELS, RECURRENCE_LABELS, ROLE_LABELS):
        if key in table:
            return table[key]
    return key
