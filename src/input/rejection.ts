/** Why a record was not accepted. Every rejected record carries exactly one of these. */
export const REJECT_CODES = [
  'MALFORMED_ROW',
  'RECORD_TOO_LONG',
  'BAD_ENCODING',
  'BAD_CHARACTER',
  'MISSING_FIELD',
  'BAD_RECORD_ID',
  'BAD_CONTRACT',
  'BAD_NUMBER',
  'BAD_DIRECTION',
  'BAD_START',
  'BAD_DURATION',
  'BAD_PEER',
  'NOT_CALLABLE',
  'NO_TARIFF',
  'CONFLICT',
] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

export interface Rejection {
  ok: false;
  code: RejectCode;
  message: string;
}

export function reject(code: RejectCode, message: string): Rejection {
  return { ok: false, code, message };
}
