/**
 * A one-line progress bar on stderr, only on a terminal, redrawn at most every 100 ms and only
 * after the first 300 ms (small repositories never see it). Twenty lines of our own rather than a
 * dependency: the CLI is a single bundle and this is all a file counter needs.
 */
export function progressBar(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  label: string,
) {
  const enabled = stream.isTTY === true && !process.env.CI && process.env.TERM !== 'dumb';
  const started = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update(done: number, total: number) {
      if (!enabled) return;
      const now = Date.now();
      if (now - started < 300 || (now - last < 100 && done !== total)) return;
      last = now;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 30));
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const rate = Math.round(done / Math.max(0.001, (now - started) / 1000));
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files, ${rate}/s`,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\u001b[2K');
    },
  };
}
