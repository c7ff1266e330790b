"""Every Chinese label the suite shows: templates, charts, reports, problem lists.

Code uses English snake_case keys; this module is the one place that maps them to the
words people read. Import the dicts, never retype a label.
"""
from __future__ import annotations

# Ledger columns as printed in the notice / ledger workbook.
LEDGER_HEADER = ["一级指标", "二级指标", "具体任务", "完成时限", "责任部门"]

# The words plans use for their columns (a spreadsheet or Word header) and for the lines
# under a list item (牵头单位：…): word -> the task-table field it fills. Every reader and
# the department grammar take their vocabulary from here; add a bureau's word here.
PLAN_FIELD_WORDS: dict[str, str] = {
    **dict.fromkeys(["序号", "编号", "任务编号"], "task_id"),
    **dict.fromkeys(["一级指标", "重点工作", "工作任务", "主要任务", "重点任务", "工作重点", "考核项目",
                     "指标", "任务类别"], "indicator"),
    **dict.fromkeys(["二级指标", "工作事项", "子项"], "sub_indicator"),
    **dict.fromkeys(["具体任务", "工作内容", "具体措施", "任务内容", "工作措施", "具体工作", "主要内容",
                     "任务举措", "考核内容", "工作要求"], "task"),
    **dict.fromkeys(["牵头单位", "牵头部门", "牵头责任部门", "牵头责任单位", "牵头处室", "主办单位",
                     "主责单位", "牵头科室"], "lead"),
    **dict.fromkeys(["责任单位", "责任部门", "责任处室", "责任科室", "负责单位", "承办单位", "实施单位",
                     "落实单位", "具体负责单位", "责任主体"], "responsible"),
    **dict.fromkeys(["配合单位", "配合部门", "协同配合部门", "协同单位", "协办单位", "参与单位",
                     "配合处室", "配合科室", "协同部门"], "cooperating"),
    **dict.fromkeys(["完成时限", "完成时间", "时间节点", "时限要求", "完成期限", "时间要求",
                     "进度要求", "完成时限要求", "时间安排", "完成日期", "截止时间", "办结时限"], "deadline"),
    **dict.fromkeys(["分值", "考核分值", "分数", "权重分值"], "points"),
    **dict.fromkeys(["分管领导", "牵头负责领导", "责任领导", "牵头领导", "分管负责同志", "责任人",
                     "联系人", "分管局领导", "牵头局领导"], "leaders"),
}

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
    "points": "分值",
    "leaders": "责任领导",
    "plan_end_year": "计划截止年度",
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

DEADLINE_KIND_LABELS = {"date": "限时完成", "ongoing": "持续推进", "event": "按部署实施",
                        "recurring": "定期完成", "unspecified": "未写明时限"}
RECURRENCE_LABELS = {"none": "无", "monthly": "每月", "quarterly": "每季度", "half_yearly": "每半年",
                     "yearly": "每年"}
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

# Columns of the quarterly department x obligation matrix: the recurring activities plus
# the monthly progress report itself (T03, judged by on-time submission).
OBLIGATION_LABELS: dict[str, str] = {"progress_report": "按月报送进展", **ACTIVITY_LABELS}

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

SUBMISSION_STATUS_LABELS = {"on_time": "按时报送", "late": "逾期报送", "missing": "未报送",
                            "unknown": "报送时间不明", "pending": "未到报送期限"}
# The nine statuses of an assignment as of a month (metrics.STATUSES), in report order.
ASSIGNMENT_STATUS_LABELS = {
    "done_on_time": "按期完成",
    "done_late": "逾期完成",
    "on_track": "按计划推进",
    "in_progress": "推进中",
    "due_this_month": "本月到期",
    "overdue": "逾期未完成",
    "not_reported": "本月未报进展",
    "na_approved": "不适用（已审核）",
    "na_claimed": "申报不适用（未审核）",
}
PASS_LABELS = {True: "达标", False: "未达标"}


def label(key: str) -> str:
    """Chinese label for a column or value key; the key itself when none is defined.

    >>> label("overdue"), label("no_such_key")
    ('逾期未完成', 'no_such_key')
    """
    for table in (COLUMN_LABELS, STATUS_LABELS, ACTIVITY_LABELS, ASSIGNMENT_STATUS_LABELS,
                  SUBMISSION_STATUS_LABELS, DEADLINE_KIND_LABELS, RECURRENCE_LABELS, ROLE_LABELS,
                  KPI_LABELS, CHANGE_LABELS, PUBLICITY_VERDICT_LABELS, TOTAL_LABELS):
        if key in table:
            return table[key]
    return key


# --- Submission templates and the tolerant reader (templates.py, submissions.py) ---------
# Added by the submissions engineer; additive only.

SHEET_COVER = "封面"
# 共享记录: the record-id column, then one column per indicator (n_indicators = their count).
SHARED_RECORD_ID_HEADER = "记录编号"
SHARED_INDICATOR_HEADERS = ["统一社会信用代码", "主体名称", "法定代表人", "信用记录类型", "决定文书号",
                            "决定日期", "决定机关", "有效期", "数据来源", "更新日期"]
SHARED_HEADERS = [SHARED_RECORD_ID_HEADER, *SHARED_INDICATOR_HEADERS]

for _k, _v in {
    "date": "日期", "activity_type": "活动类型", "count": "数量", "note": "说明",
    "decision_no": "决定文书号", "category": "类别", "decision_date": "决定日期", "publish_date": "公示日期",
    "total_entities": "市场主体总数", "collected_entities": "已归集主体数",
    "record_id": "记录编号", "n_indicators": "指标数", "n_filled": "已填指标数", "filled_ratio": "填报率",
    "subject": "被执行主体", "measure": "执行措施", "executing_dept": "执行部门", "executed_on": "执行时间",
    "matter": "具体事项", "filled_by": "填报人", "filled_on": "填报日期",
}.items():
    COLUMN_LABELS.setdefault(_k, _v)

TEMPLATE_TITLE = "{bureau}{programme}工作台账 · {sheet}（{year}年{mon}月）"
TEMPLATE_NOTE_PROGRESS = ("说明：灰色列为预填内容，请勿修改；进展状态、完成日期已按上次报送预填，有变化请修改；"
                          "已完成的任务请填写完成日期；第4行为示例。")
TEMPLATE_VALIDATION = {
    "list_title": "请从列表选择", "list_error": "请从下拉列表中选择一项。",
    "date_title": "请输入日期", "date_error": "请输入日期，如 2021-07-05。",
    "int_title": "请输入整数", "int_error": "请输入不小于0的整数。",
}

# Header spellings seen in returned workbooks -> the template header they stand for.
# Matching is done after NFKC, whitespace removal and dropping bracketed notes.
HEADER_ALIASES: dict[str, str] = {
    "编号": "任务编号", "任务序号": "任务编号", "任务ID": "任务编号",
    "状态": "进展状态", "完成情况": "进展状态", "进展情况": "进展状态", "完成状态": "进展状态", "任务状态": "进展状态",
    "完成时间": "完成日期", "实际完成日期": "完成日期", "实际完成时间": "完成日期",
    "进展": "本月进展", "工作进展": "本月进展", "本月工作进展": "本月进展", "进展说明": "本月进展", "本月进展情况": "本月进展",
    "佐证": "佐证材料", "证明材料": "佐证材料", "佐证资料": "佐证材料",
    "问题": "存在问题", "存在的问题": "存在问题", "问题及建议": "存在问题",
    "任务": "具体任务", "任务内容": "具体任务", "时限": "完成时限",
    "活动日期": "日期", "时间": "日期", "开展日期": "日期", "开展时间": "日期",
    "类型": "活动类型", "活动类别": "活动类型",
    "次数": "数量", "场次": "数量",
    "备注": "说明", "活动说明": "说明", "内容": "说明",
    "文书号": "决定文书号", "决定书文号": "决定文书号", "行政决定文书号": "决定文书号", "文号": "决定文书号",
    "公示类别": "类别", "决定类别": "类别",
    "作出决定日期": "决定日期", "决定时间": "决定日期",
    "公示时间": "公示日期",
    "领域": "业务领域", "行业领域": "业务领域",
    "主体总数": "市场主体总数", "市场主体数": "市场主体总数",
    "已归集数": "已归集主体数", "归集主体数": "已归集主体数", "已归集市场主体数": "已归集主体数",
    "记录ID": "记录编号", "记录号": "记录编号",
    "执行对象": "被执行主体", "被执行人": "被执行主体", "奖惩措施": "执行措施",
    "执行单位": "执行部门", "执行日期": "执行时间", "事项": "具体事项",
    "报送单位": "填报单位", "单位": "填报单位", "填报部门": "填报单位",
    "月份": "报送月份", "报送月": "报送月份", "填报月份": "报送月份",
    "联系人": "填报人", "填表人": "填报人", "报送日期": "填报日期", "填表日期": "填报日期",
}

# How people write a status -> STATUS_LABELS key (after whitespace removal).
STATUS_ALIASES: dict[str, str] = {
    "已完成": "done", "完成": "done", "已办结": "done", "办结": "done", "已落实": "done", "已完结": "done",
    "全部完成": "done", "完成了": "done",
    "推进中": "in_progress", "正在推进": "in_progress", "进行中": "in_progress", "持续推进": "in_progress",
    "正在进行": "in_progress", "推进": "in_progress", "在推进": "in_progress", "正在落实": "in_progress",
    "持续推进中": "in_progress", "已启动": "in_progress",
    "未启动": "not_started", "未开始": "not_started", "尚未启动": "not_started", "未开展": "not_started",
    "不适用": "not_applicable", "不涉及": "not_applicable", "无此项": "not_applicable",
}
ACTIVITY_ALIASES: dict[str, str] = {
    "信用学习": "study_session", "专题学习": "study_session", "学习": "study_session",
    "会议": "special_meeting", "专题会": "special_meeting", "信用专题会议": "special_meeting",
    "案例公示": "case_published", "奖惩案例公示": "case_published",
    "成效清单报送": "result_list_submitted", "联合奖惩成效清单": "result_list_submitted",
    "失信名单": "dishonest_list_submitted", "失信主体名单报送": "dishonest_list_submitted",
    "信用修复": "credit_repair", "约谈": "interview", "培训": "training",
    "宣传": "publicity_event", "信用宣传": "publicity_event",
}
PUBLICITY_CATEGORY_ALIASES: dict[str, str] = {"许可": "license", "处罚": "penalty"}

# Problems a liaison reads: what is wrong, and what was expected.
PROBLEM_LABELS: dict[str, str] = {
    "file_empty": "文件为空（0字节）",
    "not_a_workbook": "不是Excel工作簿，无法读取",
    "file_gone": "读取时文件已不存在（被移走或删除），本次未读取",
    "encrypted": "文件设有打开密码（已加密），无法读取",
    "corrupt": "文件已损坏，无法读取",
    "legacy_xls": "旧版 .xls 格式",
    "workbook_empty": "工作簿中没有任何内容",
    "macros": "文件含宏（未运行，仅读取数据）",
    "formula": "单元格为公式（未重新计算，读取的是保存时的结果）",
    "formula_no_value": "单元格为公式且没有保存计算结果",
    "sheet_missing": "未找到该工作表（按表头识别）",
    "column_missing": "未找到该列",
    "column_unknown": "无法识别的列，其内容未读取",
    "sheet_unknown": "无法识别的工作表，其内容未读取",
    "duplicate_sheet": "有多个同类工作表，已全部读取",
    "bad_date": "无法识别的日期",
    "date_ambiguous_year": "日期未写年份，已按报送月份推定",
    "bad_number": "不是有效的数字",
    "not_integer": "应为整数",
    "negative": "不能为负数",
    "bad_status": "无法识别的进展状态",
    "bad_activity": "无法识别的活动类型",
    "bad_category": "无法识别的类别",
    "missing_value": "未填写",
    "missing_task_id": "缺少任务编号",
    "unknown_task": "任务编号不在台账中",
    "duplicate_task": "任务编号重复",
    "done_without_date": "状态为已完成但未填写完成日期",
    "date_outside_month": "日期不在报送月份内",
    "date_after_month": "日期晚于报送月份",
    "publish_before_decision": "公示日期早于决定日期",
    "collected_exceeds_total": "已归集主体数大于市场主体总数",
    "cover_missing": "封面信息缺失，已按文件路径推定",
    "department_unknown": "填报单位不在部门名单中",
    "department_mismatch": "封面填报单位与文件路径不一致",
    "month_mismatch": "封面报送月份与文件路径不一致",
    "month_unknown": "无法确定报送月份",
    "department_missing": "无法确定填报单位",
    "bad_month": "无法识别的月份",
}
EXPECTED_LABELS: dict[str, str] = {
    "xlsx": "由模板填写并另存为 .xlsx 的工作簿",
    "no_password": "取消打开密码后重新报送",
    "values": "直接填写数值，不用公式",
    "date": "日期，如 2021-07-05",
    "integer": "不小于0的整数",
    "status": "、".join(STATUS_LABELS.values()),
    "activity": "、".join(ACTIVITY_LABELS.values()),
    "category": "、".join(PUBLICITY_CATEGORY_LABELS.values()),
    "task_id": "台账中的任务编号，如 T01",
    "unique": "每个任务只填一行",
    "completion_date": "已完成任务的完成日期",
    "in_month": "报送月份内的日期",
    "after_decision": "不早于决定日期",
    "le_total": "不大于市场主体总数",
    "department": "部门名单中的部门名称",
    "month": "报送月份，如 2021-07",
    "same": "封面与文件路径一致",
    "template_sheet": "模板中的工作表及表头",
    "filled": "填写内容",
    "cover": "填写封面：填报单位、报送月份、填报人、填报日期",
}
VALIDATE_SUMMARY = "共检查 {n_files} 个文件：错误 {n_errors} 项，提示 {n_warnings} 项。"
VALIDATE_NO_PROBLEMS = "未发现问题。"
PROBLEMS_SHEET = "问题清单"
#: What the `ledger` command and the analyst's loaders say: Chinese first, then English.
CLI_MESSAGES: dict[str, str] = {
    "no_processed": "没有处理后的数据：{path} 不存在，请先运行 `ledger build` / "
                    "no processed data: {path} does not exist; run `ledger build` first",
    "no_stamp": "{path} 中没有完整的构建（缺少 {stamp}），请运行 `ledger build` / "
                "{path} holds no complete build (no {stamp}): run `ledger build` to rebuild it",
    "stamp_damaged": "{path} 已损坏，请运行 `ledger build` / {path} is damaged: run `ledger build` to rebuild it",
    "table_changed": "{path} 缺失或已被改动，请运行 `ledger build` / "
                     "{path} is missing or not the one the build wrote: run `ledger build` to rebuild it",
    "table_missing": "缺少数据表 {path}，请先运行 `ledger build` / {path} is missing: run `ledger build` first",
    "unknown_city": "处理后的数据中没有城市 {city!r}（已有：{known}） / "
                    "no city {city!r} in the processed data (cities: {known})",
    "city_province": "省级报告比较所有城市，不接受 --city / the province report compares every city; "
                     "--city is for monthly and quarterly reports",
    "no_such_file": "文件不存在 / no such file: {files}",
    "os_error": "{zh} / {en}: {path}",
    "no_submissions": "处理后的数据中没有 {what} 的报送（有数据的月份：{span}）；报表到齐后运行 `ledger build` / "
                      "no submissions for {what} in the processed data (months with data: {span}); "
                      "run `ledger build` after they arrive",
    "at_least": "{option} 至少为 {minimum}，收到 {value} / {option} must be at least {minimum}, got {value}",
    "received_at": "--received-at 应为 ISO 时间，如 2021-08-04T10:00，收到 {value!r} / "
                   "--received-at must be an ISO time such as 2021-08-04T10:00, got {value!r}",
    "bad_month": "{what} 应为 YYYY-MM（如 2021-06），收到 {value!r} / {what} must be YYYY-MM (e.g. 2021-06), got {value!r}",
    "not_scored": "{name!r} 不是计分部门；计分部门：{known} / {name!r} is not a scored department; known: {known}",
    "month_unknown": "{path}：无法从封面读出月份（{month!r}），请加 --month YYYY-MM / "
                     "{path}: cannot tell the month from its cover block ({month!r}); pass --month YYYY-MM",
    "not_a_workbook": "{path}：不是可读取的报表（应为 {suffixes}），未登记 / "
                      "{path}: not a workbook the build reads (expected {suffixes}); nothing filed",
    "no_roster": "{path} 中没有部门名册，报表按名册中的部门名登记，未登记 / "
                 "no roster in {path}: a return is filed under its department's roster name; nothing filed",
    # Where receive looked for the department: (Chinese, English) halves of department_not_in_roster.
    "where_department_option": "--department",
    "where_cover_zh": "封面填报单位或文件名；也可用 --department 指定",
    "where_cover_en": "cover 填报单位 or file name; or pass --department",
    "no_department_zh": "（未填写）",
    "no_department_en": "(none)",
    "no_ledger_for_year": "{year} 年没有台账（已有：{have}），请先添加 ledger_{year}.xlsx / "
                          "no ledger for {year} (ledgers for: {have}); add ledger_{year}.xlsx first",
    "too_many_cities": "示例数据最多 {n} 个城市（labels.PROVINCE_CITIES） / "
                       "at most {n} cities are known (labels.PROVINCE_CITIES)",
    "department_not_in_roster": "{path}：部门 {department_zh} 不在 departments.csv 中（{where_zh}），未登记 / "
                                "{path}: department {department_en} is not in departments.csv ({where_en}); nothing filed",
    "bad_year": "年份应为四位数字，如 2027，收到 {value!r} / the year must be four digits such as 2027, got {value!r}",
    "usage_error": "命令参数有误（ledger COMMAND --help 查看用法）",
    "rendering": "正在生成 {name} / rendering {name} ...",
    "report_failed": "{kind} {period} 生成失败（{notebook}）/ failed in {notebook}, {error}\n"
                     "已保留执行到出错处的笔记本 / the partly executed notebook is kept at {kept}",
    "build_done": "已重建处理后的数据 / data/processed rebuilt in {path}:",
    "build_ledgers": "台账 / ledgers:",
    "build_no_returns": "no submissions yet / 尚无报送",
    "build_rows": "行 / rows",
    "build_ids_disagree": "台账任务编号的两种读取结果不一致，已按台账表重新读取全部报表（读取缓存本次无效）/ "
                          "the ledgers' task ids read two ways disagree: every return was read again with the "
                          "ledger table's ids (the reader cache could not be used); please report this",
    "build_cache": "读取缓存 / reader cache: {hits} / {files} 个文件未改动，未重新读取 / files unchanged, not read again",
    "build_warning": "注意 / warning: {text}",
    "unknown_kind": "未知的报告类型 {kind!r}，可选：{kinds} / unknown report kind {kind!r}: choose from {kinds}",
    "none": "无 / none",
    "out_not_xlsx": "--out 应为 .xlsx 文件，收到 {name!r} / --out must be an .xlsx file, got {name!r}",
    "uncertain": "待定 / uncertain {task_id} ({source}) {field}: 已取 / chose {chosen}{alt} — {reason}",
    "uncertain_empty": "（空）/ (empty)",
    "uncertain_alternatives": "；备选 / alternatives: {candidates}",
    # `ledger calendar` (workdays.describe_year, describe_calendar, check_holidays_file)
    "calendar_official": "{year} 年：正式安排（{source}） / {year}: official ({source})",
    "calendar_provisional": "{year} 年：临时安排，只计周末和《全国年节及纪念日放假办法》（2024 年修订）的法定节假日，"
                            "不含调休；把国务院 {year} 年放假安排录入 data/raw/{file}（并加一行 '{year},complete,<通知>'）"
                            "即为正式安排 / {year}: provisional: weekends and the statutory holidays of "
                            "《全国年节及纪念日放假办法》 (2024 revision), no 调休; type the State Council's {year} "
                            "arrangement into data/raw/{file} (with a '{year},complete,<notice>' row) to make it official",
    "calendar_holiday": "放假 holiday",
    "calendar_workday": "调休上班 workday",
    "calendar_basis_official": "正式 official",
    "calendar_basis_provisional": "临时 provisional",
    "calendar_counts": "共 {holidays} 天放假、{workdays} 天调休上班 / {holidays} holidays, {workdays} 调休 working days",
    "calendar_official_years": "正式安排 / official: {spans}（{source}）",
    "calendar_provisional_years": "{first}-{last} 年间的其余年份为临时安排（周末 + 法定节假日，不含调休） / "
                                  "provisional: every other year from {first} to {last} "
                                  "(weekends + statutory holidays, no 调休)",
    "calendar_year_basis": "{year} 年：{zh} / {year}: {basis}",
    "calendar_no_file": "raw 文件夹中没有 {file}：{last} 年以后为临时安排 / "
                        "no {file} in the raw folder: years after {last} are provisional",
    "calendar_problem": "{zh} / {severity}: {file}{where}: {problem}（收到 {value!r}，应为：{expected}）",
    "calendar_file_counts": "{file}：读取 {rows} 行，错误 {errors} 项，提示 {warnings} 项 / "
                            "{file}: {rows} rows read, {errors} errors, {warnings} warnings",
    "calendar_stays_provisional": "{file}：{year} 年仍为临时安排：{zh} / {file}: {year} stays provisional: {en}",
    "calendar_outside": "工作日日历覆盖 {first}-{last} 年，{year} 年不在其中（日期输错了？） / "
                        "the working-day calendar covers {first}-{last}; year {year} is outside it (a mistyped date?)",

    # safepath: a name or path a command refuses (e.g. `ledger receive --city ../x`)
    "not_a_plain_name": "{text!r} 不能用作文件或文件夹名（应为单个名称，不含 / \\ : 等字符，不以 . 开头） / "
                        "not a plain {what}: {text!r}",
    "outside_folder": "{path} 不在 {folder} 之内 / {path} is outside {folder}",
    # build.publish: --out that a build must not replace
    "out_not_folder": "{path} 不是文件夹，请另选 --out / {path} is not a folder; choose another --out",
    "out_has_strangers": "{path} 中有构建不会写入的文件（{files}），--out 请选空文件夹或处理后数据的文件夹 / "
                         "{path} holds files a build does not write ({files}); "
                         "choose an empty or processed-data folder for --out",
}
#: A judgements file (`ledger workbook --judgements`) that cannot be applied: one line, exit 2.
JUDGEMENT_MESSAGES: dict[str, str] = {
    "unknown_task": "判断文件第 {line} 行：方案中没有任务 {task!r} / judgements line {line}: unknown task {task!r}",
    "unknown_field": "判断文件第 {line} 行：不能判断的字段 {field!r}（可选：{fields}） / "
                     "judgements line {line}: unknown field {field!r} (one of {fields})",
    "indicator_not_number": "判断文件第 {line} 行：indicator_no 应为数字，收到 {value!r} / "
                            "judgements line {line}: indicator_no must be a number, got {value!r}",
    "no_indicator": "判断文件第 {line} 行：本方案没有第 {n} 项指标（请写 '{n}、名称'） / "
                    "judgements line {line}: no indicator {n} in this plan (write '{n}、名称')",
    "points_not_number": "判断文件第 {line} 行：points 应为数字，收到 {value!r} / "
                         "judgements line {line}: points must be a number, got {value!r}",
    "bad_deadline_kind": "判断文件第 {line} 行：deadline_kind 应为 {kinds} 之一（具体日期请判断 due_date） / "
                         "judgements line {line}: deadline_kind is one of {kinds} (for a date, judge due_date)",
    "bad_due_date": "判断文件第 {line} 行：due_date 应为日期，如 2022-06-30，收到 {value!r} / "
                    "judgements line {line}: due_date must be a date such as 2022-06-30, got {value!r}",
    "missing_columns": "{name}：判断文件需要列 {columns}（缺少 {missing}） / "
                       "{name}: judgements need the columns {columns} (missing {missing})",
    "year_mismatch": "{name}：标题中的计划年度为 {title_year}，文件名中为 {year} / "
                     "{name}: its title says plan year {title_year}, its name says {year}",
}

#: A plan `ledger workbook` cannot read (readers, notice, plan_sheet, tasktable): one line, exit 2.
PLAN_MESSAGES: dict[str, str] = {
    "bad_suffix": "{name}：工作方案应为 {known} 文件之一（收到 {suffix!r}） / "
                  "{name}: a ledger is one of {known} (got {suffix!r})",
    "unreadable": "{name}：无法按{form}格式读取（{error}） / {name}: cannot read as a {form} ledger ({error})",
    "not_text": "{name}：不是文本文件 / {name}: not a text file",
    "not_utf8": "{name}：不是 UTF-8 或 GB18030 编码的文本 / {name}: not UTF-8 or GB18030 text",
    "no_header": "{name}：没有一个工作表有台账表头（一行中写有任务列，如 具体任务/工作任务，以及部门或时限列，"
                 "如 牵头单位/责任单位/完成时限） / {name}: no sheet has a ledger header (a row naming the task "
                 "column, such as 具体任务/工作任务, and its departments or deadline, such as 牵头单位/责任单位/完成时限)",
    "no_tasks": "{name}：没有找到任务（应有台账表格，或标题下的编号条目） / "
                "{name}: no tasks found (expected a ledger table, or numbered items under headings)",
}

#: Severity words of a printed problem line.
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "注意"}

#: The explore notebook's sentences (summaries.pick_department, summaries.month_note).
DESK_TEXT: dict[str, str] = {
    "unknown_department": "{name!r} 不是计分部门（可用别名，见 departments.csv）；计分部门：{known}",
    "month_data": "{month}：{n} 个部门报送了本月报表。",
    "no_data_month": "{month} 没有任何部门报送：以下进展均按未报送计。已有数据的月份：{first} 至 {last}。",
    "no_data_at_all": "处理后的数据中没有任何报送（{month} 的进展均按未报送计）：报表放入 data/raw/submissions 后运行 `ledger build`。",
}

#: Period arguments (ledgerlib.periods): Chinese for the bureau, English for the analyst's traceback.
PERIOD_MESSAGES: dict[str, str] = {
    "not_a_period": "无法识别的期间 {value!r}：应为月份 YYYY-MM（如 2021-06）或季度 YYYYQn（如 2021Q2） / "
                    "not a period: {value!r}; expected a month YYYY-MM (e.g. 2021-06) or a quarter YYYYQn (e.g. 2021Q2)",
    "month_not_quarter": "此处需要月份 YYYY-MM（如 2021-06），收到的是季度 {value!r} / "
                         "expected a month YYYY-MM (e.g. 2021-06), got the quarter {value!r} (its last month is {last})",
    "quarter_not_month": "此处需要季度 YYYYQn（如 2021Q2），收到的是月份 {value!r} / "
                         "expected a quarter YYYYQn (e.g. 2021Q2), got the month {value!r} (its quarter is {quarter})",
}

#: Chinese for the commonest operating-system errors a command meets (errno name -> words).
OS_ERROR_LABELS: dict[str, str] = {"ENOENT": "文件或文件夹不存在", "EACCES": "没有访问权限",
                                   "EISDIR": "这是文件夹，不是文件", "ENOTDIR": "路径中有一项不是文件夹",
                                   "ENOSPC": "磁盘空间不足"}

#: Top of every printed page of a problems workbook.
PROBLEMS_HEADER = {"file": "问题清单：{}", "department": "填报单位：{}", "month": "报送月份：{}",
                   "unknown": "未识别", "several_files": "{first} 等 {n} 个文件",
                   "several": "{first} 等 {n} 个"}


# --- Intake of returned workbooks (intake.py) -------------------------------------------
# Added by the intake engineer; additive only.
INTAKE_PROBLEM_LABELS: dict[str, str] = {
    "unreadable": "读取文件时出错，文件内容未能载入",
    "layout": "文件不在约定的目录中，城市和月份按封面推定",
    "manifest_file_missing": "收文记录（manifest.csv）中的文件不存在",
    "manifest_bad_time": "收文记录中的收到时间无法识别",
    "no_received_time": "没有收文记录，封面也未填填报日期，无法判断是否按时报送",
    "duplicate_file": "与同月已报送的另一文件内容完全相同",
    "empty_resubmission": "这份后报的文件没有填写任何进展状态，却替代了同月先前报送的文件",
}
INTAKE_EXPECTED_LABELS: dict[str, str] = {
    "readable": "由模板填写并另存为 .xlsx 的工作簿",
    "layout": "submissions/<YYYY-MM>/<部门>.xlsx 或 submissions/<城市>/<YYYY-MM>/<部门>.xlsx",
    "manifest_file": "manifest.csv 中每行对应 submissions 下的一个文件",
    "iso_time": "ISO 时间，如 2021-07-03T09:30:00",
    "received_time": "用 ledger receive 收文，或在封面填写填报日期",
    "distinct": "每月每个部门报送一个文件，更正时报送修改后的文件",
    "filled_resubmission": "更正文件应包含完整的本月填报内容（可在原文件基础上修改）",
}
# --- Hardening (issue 10): what `ledger receive` says, plausibility, unusable resubmissions ---
RECEIVE_FILED = "已收文：{department} {month} → submissions/{file}"
RECEIVE_ALREADY = "已收过内容完全相同的文件 submissions/{file}，未重复归档"
RECEIVE_SUPERSEDES = "取代此前报送的 {file}"
RECEIVE_KEEPS = "此文件无法读取或未填写内容，不取代此前报送的 {file}"
RECEIVE_UNUSABLE = "此文件无法读取或未填写内容"
RECEIVE_ON_TIME = "按时报送"
RECEIVE_LATE = "逾期 {days} 天"
RECEIVE_PROBLEMS = "错误 {n_errors} 项，提示 {n_warnings} 项"
PROBLEM_LABELS.update({
    "too_large": "文件解压后过大（{size} MB，上限 {limit} MB），未读取",
    "encrypted": "文件设有打开密码（已加密），无法读取",
    "date_implausible": "日期不合常理（不在计划年度前后一年内）",
    "date_after_receipt": "日期晚于收到文件的日期",
    "publish_date_blank": "未填写公示日期",
    "publish_overdue_blank": "未填写公示日期，收到文件时已过公示期限",
    "text_too_long": "文字超过 Excel 单元格上限 32767 字，输出的表格中将截断（数据中保留全文）",
    "excel_error": "单元格为 Excel 错误值",
    "status_guessed": "进展状态「{value}」不是规范写法，已按「{taken}」读取",
    "choice_guessed": "「{value}」不是规范写法，已按「{taken}」读取",
    "legacy_xls": "旧版 .xls 格式（已读取）",
    "ods": "OpenDocument .ods 格式（已读取）",
})
EXPECTED_LABELS.update({
    "publish_or_pending": "已公示的填写公示日期；决定次日起7个工作日的公示期限未到的，可暂不填",
    "published_by": "公示日期（公示期限 {deadline}，收到文件 {received}）",
    "unpacked_size": "解压后不超过 {limit} MB 的工作簿（按月报送的报表通常不到 1 MB）",
    "xlsx": "由模板填写并另存为 .xlsx 的工作簿（也可读取 .xlsm、.xls、.ods）",
    "plan_year": "计划年度前后一年内的日期（{first}—{last}）",
    "before_receipt": "不晚于收到文件的日期（{received}）",
    "cell_limit": "不超过 32767 字，长文可附件报送",
    "no_error": "填写数值或文字，不用出错的公式",
    "status_exact": "、".join(STATUS_LABELS.values()),
    "choice_exact": "从下拉列表中选择",
})
INTAKE_PROBLEM_LABELS.update({
    "unusable_resubmission": "这份后报的文件无法读取或未填写任何内容，未替代同月先前报送的文件",
})
INTAKE_EXPECTED_LABELS.update({
    "usable_resubmission": "更正文件应能打开（无密码）并包含本月填报内容；先前的报送仍然有效",
})
#: What a cell over Excel's limit ends with in every workbook the suite writes.
CELL_TRUNCATED = "…〔已截断：原文 {n} 字，超出 Excel 单元格上限；全文见 data/processed 中的 Parquet 表〕"

#: Suffix `ledger receive` gives a second file for the same department and month.
RESUBMISSION_SUFFIX = "_v{n}"

#: Cities of 河南省 for the province-scale sample (issue 6); bureau.toml's city goes first.
PROVINCE_CITIES: list[str] = [
    "安阳市", "郑州市", "开封市", "洛阳市", "平顶山市", "鹤壁市", "新乡市", "焦作市", "濮阳市",
    "许昌市", "漯河市", "三门峡市", "南阳市", "商丘市", "信阳市", "周口市", "驻马店市", "济源市",
]

# --- The deterministic sample year (sample.py) ------------------------------------------
# Added by the intake engineer; additive only. Text the sample writes into workbooks the
# way liaisons fill them (content, not headers).
SAMPLE_TEXT: dict[str, str] = {
    # Extra units that exist only in the province-scale sample (issue 6: 25 per city).
    "synthetic_unit": "测试单位{n:02d}",
    # Hand-typed dates.
    "date_cn": "{y}年{m}月{d}日",
    # A number typed with its unit.
    "count_with_unit": "{n}家",
    # A status that is not in the drop-down.
    "bad_status": "基本完成",
    # 双公示 decision number: city initial, 交 + 许/罚, year, department and serial.
    "decision_no": "{city}交{kind}〔{year}〕{dept:02d}{serial:04d}号",
    "kind_license": "许",
    "kind_penalty": "罚",
    "record_id": "XY{dept:02d}{month:02d}{serial:03d}",
    "company": "{city}{word}{trade}有限公司",
    "measure_agency": "{bureau}",
}
#: Ledger words that say which task a sheet belongs to (matched in the ledger's task text).
SAMPLE_TASK_KEYWORDS: dict[str, str] = {
    "dishonest_list_submitted": "失信",
}
SAMPLE_PEOPLE = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞",
                 "徐明", "孙丽", "马超", "朱红", "胡斌", "郭琳", "何涛", "高燕", "林峰", "罗娟"]
SAMPLE_PROGRESS_NOTES = [
    "按计划推进，本月召开科室会议部署相关工作。",
    "已梳理本领域信用信息目录，持续更新。",
    "结合日常监管开展信用核查，未发现异常。",
    "完成本月信用信息报送，数据已上传省平台。",
    "对接市信用信息共享平台，推进数据交换。",
    "开展业务人员信用知识学习。",
    "督促相关企业落实信用承诺。",
    "持续推进，下月继续跟进。",
]
SAMPLE_DONE_NOTES = ["已完成，相关材料已归档。", "已按要求完成并报送。", "已印发文件并组织落实。"]
SAMPLE_EVIDENCE = ["会议纪要", "工作方案", "印发文件", "平台截图", "报送回执", "签到表及照片"]
SAMPLE_ISSUES = ["部分企业信息更新不及时", "系统对接尚在调试", "人员变动，需重新培训"]
SAMPLE_ACTIVITY_NOTES: dict[str, str] = {
    "study_session": "领导小组集中学习社会信用体系建设相关文件",
    "special_meeting": "召开信用交通建设专题会议，研究部署下阶段工作",
    "case_published": "在“信用交通·河南”网站公示联合奖惩案例",
    "result_list_submitted": "报送本月联合奖惩成效清单至省、市信用信息系统",
    "dishonest_list_submitted": "报送严重违法失信超限超载运输车辆相关责任主体名单",
    "credit_repair": "办理信用修复申请",
    "interview": "对失信企业开展警示约谈",
    "training": "组织企业从业人员参加信用知识培训",
    "publicity_event": "开展诚信宣传进企业活动",
    "other": "其他信用相关工作",
}
SAMPLE_FIELDS = ["道路运输", "公路建设", "水路运输", "安全生产", "工程建设", "行政执法", "交通科技", "城市客运"]
SAMPLE_COMPANY_WORDS = ["通达", "顺安", "恒运", "中原", "宏图", "安捷", "兴业", "鑫源", "永泰", "华兴",
                        "金桥", "瑞丰", "远航", "路通", "捷达", "天成"]
SAMPLE_COMPANY_TRADES = ["运输", "物流", "客运", "路桥工程", "建设", "汽车服务", "驾驶培训", "航运"]
SAMPLE_RECORD_TYPES = ["行政许可", "行政处罚", "信用评价", "红名单", "黑名单"]
SAMPLE_DATA_SOURCES = ["业务系统", "省平台", "人工录入"]
SAMPLE_REMARKS = ["", "已核实", "补录"]
SAMPLE_MEASURES = ["列为重点监管对象，提高检查频次", "限制参加交通建设项目招投标", "取消评优评先资格",
                   "行政审批中予以容缺受理", "优先办理相关业务（绿色通道）"]
SAMPLE_MATTERS = ["道路运输经营许可证年审", "超限超载运输违法行为处理", "公路建设项目招投标",
                  "信用评价结果应用", "客运线路经营权审批"]


# --- Metrics (metrics.py; defined in docs/metrics.md) ------------------------------------
# Added by the metrics engineer; additive only.
KPI_LABELS: dict[str, str] = {
    "collection_coverage": "信用信息归集率",
    "shared_record_quality": "共享记录合格率",
    "publicity_timeliness": "双公示7天合格率",
}
CHANGE_LABELS: dict[str, str] = {
    "newly_done": "本月新完成", "newly_overdue": "本月新逾期", "status_changed": "状态变化",
    "added": "新增任务", "removed": "不再列入",
}
PUBLICITY_VERDICT_LABELS: dict[str, str] = {
    "on_time": "按时公示", "late": "超期公示", "pending": "未到公示期限", "unreadable": "日期无法判断",
    "invalid": "公示日期早于决定日期（错误）",
}
#: `department` value of a city-wide total row (metrics.ALL_DEPARTMENTS).
TOTAL_LABELS: dict[str, str] = {"all": "全局合计"}

for _k, _v in {
    "reported_status": "最近报送状态", "reported_month": "最近报送月份",
    "completion_inferred": "完成日期按报送月份推定", "reported_this_month": "本月已报送进展",
    "due": "已到期", "done": "已完成", "done_on_time": "按期完成", "on_track": "按计划推进",
    "n_assignments": "任务数", "n_not_applicable": "不适用数", "n_done": "已完成数",
    "done_rate": "完成率", "n_due": "到期任务数", "n_done_on_time": "按期完成数",
    "on_time_rate": "按期完成率", "n_overdue": "逾期未完成数", "n_ongoing": "持续推进任务数",
    "n_on_track": "按计划推进数", "on_track_rate": "按计划推进率", "days_overdue": "逾期天数",
    "status_before": "上月状态", "status_after": "本月状态", "change": "变化",
    "received_at": "收到时间", "current_file": "现行文件", "n_files": "文件数",
    "days_late": "逾期天数", "n_on_time": "按时报送数", "n_late": "逾期报送数",
    "n_missing": "未报送数", "n_unknown": "报送时间不明数", "n_pending": "未到期限数",
    "activity_type": "活动类型", "frequency": "频次", "period": "期间", "required": "应完成次数",
    "met": "是否达标", "accountable": "牵头部门", "reported_by": "报送部门",
    "n_periods": "期数", "n_met": "达标期数",
    "as_of_month": "数据月份", "rate": "比率", "passed": "是否达标", "threshold": "标准",
    "n_records": "记录数", "n_qualified": "合格记录数", "n_decisions": "决定数",
    "n_unreadable": "无法判断数", "deadline": "公示期限", "verdict": "判定",
    "kpi": "指标", "numerator": "分子", "denominator": "分母",
    "n_departments": "部门数", "n_submitted_on_time": "按时报送部门数",
    "n_submitted_late": "逾期报送部门数", "n_submitted_unknown": "报送时间不明部门数",
    "collection_rate": "信用信息归集率",
    "collection_passed": "归集率是否达标", "shared_record_rate": "共享记录合格率",
    "publicity_rate": "双公示7天合格率",
}.items():
    COLUMN_LABELS.setdefault(_k, _v)


# --- Report notebooks and PDFs (display.py, reports.py, charts.py, notebooks/) -----------------------
# Added by the reports engineer; additive only.

REPORT_LABELS: dict[str, str] = {
    "monthly_title": "{bureau}{programme}工作月报",
    "monthly_subtitle": "{year}年{mon}月 · 数据截至{as_of}",
    "quarterly_title": "{bureau}{programme}季度合规分析",
    "quarterly_subtitle": "{year}年第{q}季度 · 数据截至{as_of}",
    "headline": "一、总体情况",
    "by_indicator": "二、按一级指标完成情况",
    "by_department": "三、按部门完成情况",
    "trend": "四、累计进度趋势",
    "overdue": "五、逾期未完成任务",
    "submissions": "六、未报送及逾期报送情况",
    "kpis": "七、重点指标达标情况",
    "changes": "八、与上月相比的变化",
    "matrix": "一、部门 × 义务达标矩阵",
    "quarter_kpis": "二、重点指标达标率",
    "quarter_kpis_as_of": "重点指标按季末月份（{year}年{mon}月）的报送计算。",
    "ranking": "三、部门综合排名",
    "chart_done_rate": "完成率",
    "chart_on_time_rate": "按期完成率",
    "chart_submission_rate": "按时报送率",
    "chart_collection": "信用信息归集率（按部门）",
    "chart_matrix": "部门 × 义务达标情况",
    "threshold": "达标线 {value}",
    "none_overdue": "截至本月末，没有逾期未完成的任务。",
    "none_missing": "本月各部门均已按时报送。",
    "none_changes": "与上月相比，各项任务状态没有变化。",
    "none_kpis": "没有可计算的重点指标数据。",
    "none_obligations": "本季度没有可检查的周期性义务。",
    "no_submissions_note": "尚未收到任何报送材料，以下完成情况均按“未报送”计。",
    "ranking_note": "综合得分为各项比率（任务完成率、按时报送率、周期义务达标率、重点指标达标率）的平均值，缺项不计。",
    "item": "项目",
    "value": "数值",
    "rank": "排名",
    "score": "综合得分",
    "obligation_rate": "周期义务达标率",
    "kpi_pass_rate": "重点指标达标率",
    "submission_rate": "按时报送率",
    "submission_status": "报送状态",
}
# A row whose first cell is one of these is a totals row, not data.
TOTAL_ROW_WORDS = {"合计", "总计", "小计"}


# --- The monthly joint reward/punishment result list (casebook.py) -----------------------
# Added by the casebook engineer; additive only.
JOINT_LIST_TITLE = "{bureau}联合奖惩成效清单（{year}年{mon}月）"
#: Title when the list stacks several cities (the province's list).
#: The city word for a list that covers every city of a province (formats `{bureau}`).
ALL_CITIES = "各市"
JOINT_LIST_SHEET = "联合奖惩成效清单"
JOINT_LIST_INCOMPLETE_SHEET = "待补充"
JOINT_LIST_INCOMPLETE_TITLE = "待补充：以下记录缺少必填内容，未列入清单，请报送单位补充后重新报送（{year}年{mon}月）"
#: File name (without suffix) of the list: reports/joint_list/<stem>.xlsx and .csv.
JOINT_LIST_FILE = "联合奖惩成效清单_{month}"
JOINT_LIST_NONE = "本月没有报送联合奖惩成效记录。"
JOINT_LIST_NONE_INCOMPLETE = "本月所有记录均已填写完整。"
#: Separators when one case was reported by several departments (报送单位) or with
#: differing texts in the same field.
JOINT_LIST_SEP_NAMES = "、"
JOINT_LIST_SEP_TEXTS = "；"
JOINT_LIST_SUMMARY = "联合奖惩成效清单 {month}：列入 {n_ready} 条（合并重复 {n_merged} 条），待补充 {n_incomplete} 条。"

for _k, _v in {
    "seq": "序号", "reporters": "报送单位", "row": "行号", "missing_fields": "缺少项",
}.items():
    COLUMN_LABELS.setdefault(_k, _v)


# --- The province report: cities compared (province.py, notebooks/province_report.ipynb) --
# Added by the province-report engineer; additive only.
#: The province whose cities labels.PROVINCE_CITIES lists.
PROVINCE_NAME = "河南省"

REPORT_LABELS.update({
    "province_title": "{province}交通运输系统信用体系建设工作各市对比",
    "province_subtitle": "{year}年{mon}月 · 数据截至{as_of} · 共{n}个城市",
    "province_headline": "一、各市总体情况及排名",
    "province_chart": "二、各市完成率与按时报送率",
    "province_matrix": "三、各市重点指标达标情况",
    "province_overdue": "四、逾期未完成任务较多的城市",
    "province_ranking_note": "排名按综合得分：任务完成率、按期完成率、按时报送率、重点指标达标率的平均值，缺项不计。"
                             "完成率为累计完成率；按时报送率为本月应报送部门中按时报送的比例。",
    "province_matrix_note": "共享记录合格率：台账只规定单条记录的合格标准（不为空的指标占60%以上），"
                            "未设合格率目标，不作达标判定。灰色表示未设标准或本月没有可判定的数据。",
    "province_single_city": "本月数据只含一个城市（{city}）；收到其他城市的报送后，本报告逐市对比。",
    "province_none_overdue": "截至本月末，各市均没有逾期未完成的任务。",
    "chart_city_rates": "各市完成率与按时报送率",
    "chart_city_kpis": "城市 × 重点指标达标情况",
    "not_judged": "不判定",
})

for _k, _v in {
    "submission_rate": "按时报送率", "kpi_pass_rate": "重点指标达标率",
    "n_kpis_judged": "判定指标数", "n_kpis_passed": "达标指标数",
    "collection_coverage_passed": "信用信息归集率是否达标",
    "shared_record_quality_passed": "共享记录合格率是否达标",
    "publicity_timeliness_passed": "双公示7天合格率是否达标",
    "n_departments_overdue": "有逾期任务的部门数", "max_days_overdue": "最长逾期天数",
    "tasks_overdue": "逾期部门最多的任务",
}.items():
    COLUMN_LABELS.setdefault(_k, _v)


# --- Supervision bulletin: statuses, lights, due-next, chase, scores, narrative ----------
# Added by the bulletin engineer (issue 11); additive only.
RULE_PROBLEM_LABELS: dict[str, str] = {
    "unreadable": "规则文件无法读取，已按默认规则处理",
    "bad_section": "规则文件中该节格式不对，已按默认规则处理",
    "unknown_key": "规则文件中有无法识别的项，未采用",
    "bad_value": "规则文件中的取值无效，已按默认值处理",
    "missing_column": "审核清单缺少必需的列，清单未采用",
    "unknown_task": "审核清单中的任务编号不在台账中，该行未采用",
    "unknown_department": "审核清单中的部门不在部门名单中，该行未采用",
    "bad_date": "审核清单中的审核日期无法识别，该行未采用",
}
LIGHT_LABELS: dict[str, str] = {"red": "红灯", "amber": "黄灯", "green": "绿灯"}
LIGHT_REASON_LABELS: dict[str, str] = {
    "overdue": "逾期未完成（逾期{days}天）",
    "no_return": "本月未报送",
    "kpi_below": "{kpi}{rate}，低于{line}",
    "due_soon": "{days}天内到期未完成",
    "due_today": "本月底到期，尚未完成",
    "no_progress": "持续推进任务本月未报进展",
    "na_claimed": "申报不适用未经审核",
}
CHANGE_LABELS["light_changed"] = "预警变化"
for _k, _v in {
    "light": "预警", "reasons": "预警原因代码", "reason": "预警原因", "light_before": "上月预警",
    "light_after": "本月预警", "n_red": "红灯数", "n_amber": "黄灯数", "n_green": "绿灯数",
    "days_left": "距到期天数", "claimed_not_applicable": "申报不适用未审核", "flags": "台账标记",
    "n_invalid": "公示早于决定数", "carried_forward": "沿用以前月份数据",
    "n_tasks": "任务数", "task_ids": "任务编号", "period": "期间", "prev_rank": "上期排名",
    "rank_change": "排名变化", "rank": "排名", "score": "得分", "missing_return": "本月未报送",
    "last_return_month": "最近报送月份", "n_total": "合计",
}.items():
    COLUMN_LABELS.setdefault(_k, _v)
COLUMN_LABELS["flags"] = "台账标记"  # the ledger's flags, as every list now shows them
#: Ledger flags as a reader sees them (ledger.flags keys).
FLAG_LABELS: dict[str, str] = {
    "deadline_before_plan_year": "完成时限早于计划年度（疑为笔误）",
    "split_deadline": "一格两个时限，已拆分",
    "text_spilled": "任务文字串入时限列，已合并",
    "deadline_missing": "未写完成时限",
    "deadline_from_task": "未写完成时限：按任务文字（根据…部署/适时）视为按部署实施",
}
SCORE_COMPONENT_LABELS: dict[str, str] = {
    "tasks": "任务推进", "returns": "按时报送", "kpis": "指标达标", "obligations": "周期义务",
}
CHASE_ITEM_LABELS: dict[str, str] = {"return": "月度报送", "task": "任务", "kpi": "指标"}
CHASE_LABELS: dict[str, str] = {
    "title": "{bureau}{programme}工作催办单（{year}年{mon}月）",
    "to": "填报人：{who}",
    "nobody": "未留填报人",
    "never": "无",
    "opening": "经对{year}年{mon}月工作台账进展情况督查，你单位有红灯事项{n_red}项、黄灯事项{n_amber}项，具体如下：",
    "last_return": "最近一次报送：{month}，填报人：{who}。",
    "request": "请对照上述事项抓紧整改落实：未报送的请立即补报；逾期未完成的请说明原因并明确完成时限；"
               "临近到期的请按期完成；指标未达标的请提出整改措施。整改情况随下月进展一并报送。",
    "sign": "{office}",
    "none": "本月没有需要催办的事项。",
    "missing_return": "{year}年{mon}月工作进展未报送（应于{due}前报送）",
    "item": "事项类别",
    "task": "任务/指标",
    "sheet_items": "催办清单",
    "sheet_summary": "催办汇总",
    "file_pdf": "催办单",
    "file_items": "催办清单",
    "file_summary": "催办汇总",
    "cli_summary": "催办 {month}：{n_departments} 个部门，{n_items} 项。",
}
NARRATIVE_LABELS: dict[str, str] = {
    "scope": "截至{year}年{mon}月底，全局{n_depts}个部门共承担台账任务{n_total}项（按部门计）。",
    "status": "其中{items}。",
    "status_item": "{label}{n}项",
    "lights": "三色预警：红灯{red}项、黄灯{amber}项、绿灯{green}项。",
    "red_depts": "{names}等{n}个部门亮红灯。",
    "no_red": "本月没有部门亮红灯。",
    "kpis": "重点指标方面，全局{items}。",
    "kpi_item": "{kpi}{rate}{verdict}",
    "undecided": "暂不判定",
    "kpi_below": "{kpi}低于{line}的有：{items}。",
    "carried": "以下部门本月未报送相关数据，沿用以前月份数据，未计入全局合计，也不作为本月达标依据：{items}。",
    "carried_flip": "若计入沿用数据，全局信用信息归集率为{rate}（{verdict}），两种算法结论不同，"
                    "全局是否达标取决于未报送部门的数据，本月暂不判定，待相关部门补报后确定。",
    "invalid": "双公示有{n}条记录公示日期早于决定日期，属填报错误，未计入7天合格率。",
    "missing": "{mon}月工作进展，{names}{n}个部门未报送。",
    "all_returned": "{mon}月工作进展各部门均已报送。",
    "late": "{names}{n}个部门逾期报送。",
    "dept_line": "{dept}：{asks}。",
    "ask_return": "立即补报{mon}月工作进展",
    "ask_overdue": "对逾期未完成的{tasks}说明原因，明确完成时限",
    "ask_due": "确保临近到期的{tasks}按期完成",
    "ask_progress": "按月报送{tasks}的工作进展",
    "ask_claimed": "{tasks}申报不适用，请报送说明材料，经局法规科审核后方可不计入",
    "ask_kpi": "针对{kpis}未达标制定整改措施",
    "due_next_line": "临近提醒：{dept}承担的{items}即将到期，请提前安排，确保按期完成。",
    "standing": "各部门要对照台账时间节点，每月5日前报送上月工作进展，确保信息真实、准确、完整。",
}
REPORT_LABELS.update({
    "bulletin_title": "{bureau}{programme}工作督查通报",
    "b_overview": "一、总体情况",
    "b_lights": "二、三色预警",
    "b_composition": "三、任务状态构成",
    "b_overdue": "四、逾期未完成任务",
    "b_due_next": "五、临近到期提醒",
    "b_submissions": "六、报送情况",
    "b_kpis": "七、重点指标达标情况",
    "b_scores": "八、考核得分与排名",
    "b_chase": "九、催办情况",
    "b_trend": "十、累计进度趋势",
    "b_changes": "十一、与上月相比的主要变化",
    "b_next": "十二、下一步工作要求",
    "b_notes": "附：指标口径",
    "status_heading": "按状态统计",
    "lights_heading": "按预警统计",
    "dept_lights_heading": "各部门预警情况",
    "red_amber_heading": "红灯、黄灯事项",
    "claimed_heading": "申报不适用（未经审核，仍计入统计）",
    "by_indicator_chart": "任务状态构成（按一级指标）",
    "by_department_chart": "任务状态构成（按部门）",
    "none_due_next": "下月及{days}天内没有到期的未完成任务。",
    "none_red_amber": "本月没有红灯、黄灯事项。",
    "none_claimed": "本月没有未经审核的不适用申报。",
    "none_chase": "本月没有需要催办的部门。",
    "folded": "另有{n}项其他状态变化（如不适用与推进中之间的反复）未逐项列出。",
    "carried_note": "标注“沿用”的数据为该部门本月未报送、沿用以前月份的数据，不计入全局合计，不作达标判定。",
    "invalid_note": "双公示：{n}条记录公示日期早于决定日期，已列入问题清单，未计入7天合格率。",
    "pending_note": "双公示：{n}条决定尚未公示、公示期限未到，未计入本月7天合格率；公示后请在下月报表中连同公示日期再次列出。",
    "count": "数量",
    "score_note": "考核得分 = 100 × Σ(权重 × 分项得分率) ÷ 有数据分项的权重之和；权重：{weights}。"
                  "任务推进按各状态计分（{credits}）；",
    "rank_change_month": "排名变化为上月排名减本月排名，正数为上升（1月不与上一年度比较）。",
    "rank_change_quarter": "排名变化为上季度排名减本季度排名，正数为上升（第1季度不与上一年度比较）。",
    "approvals_problems": "审核清单或规则文件有{n}处问题，相关行未采用：",
})
#: Definitions printed under the report (every rate shown carries its definition).
RATE_NOTES: list[str] = [
    "任务数按“任务×承担部门”计，配合部门不计；经局法规科审核同意的不适用不计入，未经审核的不适用仍计入。",
    "按期完成：完成日期不晚于完成时限所在月的最后一天；逾期未完成：完成时限已过仍未完成（完成时限当天不算逾期，计为“本月到期”）。",
    "按计划推进：持续推进类任务本月报送了推进中或已完成且填写了本月进展；本月未报进展：本月没有报送该任务的进展。",
    "完成率 = 已完成任务数 ÷ 任务数（累计）；按期完成率 = 按期完成数 ÷ 截至本月已到完成时限的任务数；"
    "按时报送率 = 次月5日（含）前报送的部门月数 ÷ 应报送的部门月数。",
    "信用信息归集率 = 已归集主体数 ÷ 市场主体总数，80%（含）以上达标；共享记录合格率 = 不为空指标占60%（含）以上的记录数 ÷ 记录数；"
    "双公示7天合格率 = 决定之日次日起7个工作日内公示的决定数 ÷ 已到期限的决定数。",
    "百分比一律截位显示（不四舍五入），79.97%显示为79.9%，不会显示为达标线80.0%。",
]
LIGHT_NOTE = ("三色预警：红灯为逾期未完成、本月未报送或本部门本月数据的重点指标未达标；黄灯为{days}天内到期未完成，"
              "或持续推进任务本月未报进展；其余为绿灯（规则见 data/raw/lights.toml）。临近提醒列出下月及{next_days}天内到期的未完成任务。")
REPORT_LABELS["folded_tasks"] = "，{n}项任务因此无本月进展"
YES_NO: dict[bool, str] = {True: "是", False: "否"}
REPORT_LABELS["quarter_scores"] = "三、部门考核得分与排名"

# One-line instruction (row 2) and example row (row 3) of each free-form template sheet.
TEMPLATE_GUIDE: dict[str, str] = {
    "progress": TEMPLATE_NOTE_PROGRESS,
    "activities": "说明：每次活动填一行，日期填活动当天，活动类型从下拉列表选择；第3行为示例，请从表头下一行起填写。",
    "publicity": "说明：本月作出的每个行政许可、行政处罚决定填一行，公示日期不得早于决定日期；第3行为示例。",
    "collection": "说明：每个业务领域填一行，填本月末的市场主体总数和已归集主体数（整数）；第3行为示例。",
    "shared_records": "说明：本月报送省平台的每条信用记录填一行，各指标有内容的照填，没有的留空；第3行为示例。",
    "joint_cases": "说明：本月实施的每项联合奖惩填一行，五项内容均须填写；第3行为示例。",
}
TEMPLATE_EXAMPLES: dict[str, tuple[str, ...]] = {
    "progress": ("示例：T04", "贯彻落实……工作部署", "制定年度信用体系建设工作要点。", "{year}年4月", "已完成",
                 "{year}-04-20", "已印发年度工作要点并组织落实", "印发文件", "无"),
    "activities": ("示例：{year}-{mon:02d}-10", "信用专题学习", "1", "领导小组集中学习社会信用体系建设相关文件"),
    "publicity": ("示例：某罚〔{year}〕0001号", "行政处罚", "{year}-{mon:02d}-08", "{year}-{mon:02d}-12"),
    "collection": ("示例：（本单位业务领域）", "1200", "1000"),
    "shared_records": ("示例：XY0001", "91410500MA0000000X", "某某有限公司", "张三", "行政许可",
                       "某许〔{year}〕0001号", "{year}-{mon:02d}-08", "（作出决定的机关）", "长期", "业务系统",
                       "{year}-{mon:02d}-09"),
    "joint_cases": ("示例：某某有限公司", "列为重点监管对象，提高检查频次", "（执行部门）", "{year}-{mon:02d}-15",
                    "超限超载运输违法行为处理"),
}

# --- Working-day calendar (workdays.py, `ledger calendar`) --------------------------------
#: Statutory festivals of 《全国年节及纪念日放假办法》 (keys used by workdays.py).
FESTIVAL_LABELS: dict[str, str] = {
    "new_year": "元旦", "spring_festival": "春节", "qingming": "清明节", "labour_day": "劳动节",
    "dragon_boat": "端午节", "mid_autumn": "中秋节", "national_day": "国庆节",
}
CALENDAR_BASIS_LABELS: dict[str, str] = {"official": "正式", "provisional": "临时"}
CALENDAR_KIND_LABELS: dict[str, str] = {"holiday": "放假", "workday": "调休上班"}
CALENDAR_PROBLEM_LABELS: dict[str, str] = {
    "unreadable": "节假日文件无法读取", "missing_columns": "缺少必需的列",
    "bad_kind": "类型无法识别", "bad_date": "日期无法识别", "outside_range": "年份超出日历范围",
    "workday_not_weekend": "调休上班日不是周六或周日", "conflict": "同一日期既列为放假又列为上班",
    "incomplete_year": "该年节假日安排不完整，期限按临时日历计算",
    "complete_missing_festival": "标为完整，但缺少法定节日的放假行，期限按临时日历计算",
}
CALENDAR_EXPECTED_LABELS: dict[str, str] = {
    "csv": "UTF-8 或 GBK 编码的 CSV 文件", "header": "表头 date,kind,name",
    "kind": "holiday（放假）、workday（调休上班）或 complete（该年已录全）",
    "date": "日期，如 2027-10-01", "year": "年份，如 2027", "range": "1950—2100 年之间的日期",
    "weekend_workday": "调休上班日为周六或周日", "one_kind": "每个日期只列一次",
    "complete_year": "按国务院办公厅通知录入全部放假日和调休上班日，并加一行“年份,complete,通知名称”",
}
for _k, _v in {"deadline_basis": "期限口径", "old_deadline": "原公示期限", "new_deadline": "新公示期限",
               "old_basis": "原期限口径", "new_basis": "新期限口径", "n_provisional": "按临时日历计算数"}.items():
    COLUMN_LABELS.setdefault(_k, _v)
REPORT_LABELS.update({
    "provisional_note": "注：本月{n}项双公示决定的公示期限落在尚未公布（或尚未录入）节假日安排的年份（{years}年），"
                        "暂按临时日历计算（周末加《全国年节及纪念日放假办法》规定的法定节假日，不含调休），"
                        "{departments}的双公示7天合格率为临时结果。国务院办公厅公布该年节假日安排后，"
                        "将每个放假日、每个调休上班日录入 data/raw/holidays.csv，并加一行“年份,complete,通知名称”，"
                        "运行 ledger build 即按正式日历重算。",
    "moved_heading": "节假日安排更新后调整的双公示期限",
    "moved_note": "日历变更（录入或更正节假日安排）后重新计算，以下{n}项决定的公示期限或期限口径发生变化：",
})
REPORT_LABELS["chart_trend"] = "累计进度趋势"
REPORT_LABELS["first_month"] = "本月为年度首月，上月属上一年度台账，不作比较。"
