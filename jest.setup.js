// Tests read results from return values and stores; pino's JSON lines would only be noise.
process.env.MEISAI_LOG_LEVEL = process.env.MEISAI_LOG_LEVEL || 'silent';
// The same lines whether jest runs on a terminal or in CI.
process.env.MEISAI_LOG_FORMAT = process.env.MEISAI_LOG_FORMAT || 'json';
