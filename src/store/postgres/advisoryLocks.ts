/** The advisory lock of a month: `meisai:month:2011-04` (a transaction's lockKey `month:2011-04`). */
export const MONTH_LOCK = 'meisai:month:';
