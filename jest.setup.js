// Tests read results from return values and stores; pino's JSON lines would only be noise.
process.env.MEISAI_LOG_LEVEL = process.env.MEISAI_LOG_LEVEL || 'silent';
