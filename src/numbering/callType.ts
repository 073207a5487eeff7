/** The statement's call types, in the order the statement prints them. */
export const CALL_TYPES = ['general', 'international', 'mobile', 'ip', 'phs'] as const;
export type CallType = (typeof CALL_TYPES)[number];

export const CALL_TYPE_LABELS: Record<CallType, string> = {
  general: '一般通話',
  international: '国際通話',
  mobile: '携帯通話',
  ip: 'IP通話',
  phs: 'PHS通話',
};

export function isCallType(value: string): value is CallType {
  return (CALL_TYPES as readonly string[]).includes(value);
}
