/** Chinese names of the domain's codes, for what people read outside the console: exports first of all. */
import type { Role } from '../../schemas/common.ts';
import type { CaseStatus, DecisionKind, Stage } from '../../schemas/domain.ts';
import type { MeasureType } from '../../schemas/measure.ts';

export const STAGE_LABELS: Readonly<Record<Stage, string>> = {
  village_review: '村级民主评议',
  township_verification: '乡镇入户核实',
  county_approval: '县级审定',
  publicity: '公示',
  objection_review: '异议复核',
  reexamination: '复核',
};

export const ROLE_LABELS: Readonly<Record<Role | 'system', string>> = {
  applicant: '申请人',
  village_reviewer: '村级审核人',
  township_reviewer: '乡镇审核人',
  county_reviewer: '县级审核人',
  auditor: '审计人员',
  admin: '管理员',
  system: '系统',
};

export const DECISION_LABELS: Readonly<Record<DecisionKind, string>> = {
  approve: '同意',
  reject: '不同意',
  return: '退回补充材料',
  send_back: '退回重审',
  uphold: '异议成立',
  dismiss: '异议不成立',
  overturn: '撤销原决定',
};

export const STATUS_LABELS: Readonly<Record<CaseStatus, string>> = {
  open: '办理中',
  returned: '待补充材料',
  enrolled: '已纳入',
  rejected: '未通过',
  withdrawn: '已撤回',
  risk_eliminated: '已风险消除',
  error: '异常',
};

/** Audit-trail actions; an action not listed here is shown as its code. */
export const ACTION_LABELS: Readonly<Record<string, string>> = {
  filed: '提交申请',
  task_opened: '生成待办',
  claimed: '认领',
  unclaimed: '放回待办',
  reassigned: '改派',
  decided: '作出决定',
  escalated: '超时督办',
  supplemented: '补充材料',
  withdrawn: '撤回',
  publicity_started: '开始公示',
  publicity_ended: '公示结束',
  enrolled: '纳入监测',
  proposed: '提出风险消除',
  risk_elimination_proposed: '提出风险消除',
  risk_elimination_ended: '风险消除未通过',
  risk_eliminated: '风险消除',
  objection_filed: '受理异议',
  reexamination_requested: '申请复核',
  execution_renewed: '流程续接',
  measure_added: '新增帮扶措施',
  measure_updated: '更新帮扶措施',
  contact_set: '设定帮扶责任人',
  error: '流程异常',
};

export const MEASURE_TYPE_LABELS: Readonly<Record<MeasureType, string>> = {
  industry: '产业帮扶',
  employment: '就业帮扶',
  education: '教育帮扶',
  health: '健康帮扶',
  housing: '住房保障',
  social_security: '兜底保障',
  microcredit: '小额信贷',
  other: '其他',
};

/** The label of `code`, or the code itself when it has none. */
export const labelOf = (labels: Readonly<Record<string, string>>, code: string | undefined): string =>
  code === undefined ? '' : (labels[code] ?? code);
