import { main } from '../cli/main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** What the command wrote as bytes (encoded CSV), joined. */
  stdoutBytes: Buffer;
}

/**
 * Runs the command line in this process, as `meisai ARGS…`, capturing what it prints. With
 * `bytes`, the output also takes bytes (as the real process's does), so encoded CSV lands in
 * `stdoutBytes`; without, CSV falls back to UTF-8 text on `stdout`.
 */
export async function runCli(args: string[], options: { bytes?: boolean } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const chunks: Buffer[] = [];
  const code = await main(['node', 'meisai', ...args], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    ...(options.bytes === true ? { stdoutBytes: (bytes: Buffer) => chunks.push(bytes) } : {}),
  });
  return { code, stdout, stderr, stdoutBytes: Buffer.concat(chunks) };
}
