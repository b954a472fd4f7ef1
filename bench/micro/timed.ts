/** Wall and CPU time of one piece of work, for the micro benchmarks. */
export interface Sample {
  wallMs: number;
  /** CPU time of the whole process (every thread). */
  cpuMs: number;
}

/** What `work` took, and what it gave. */
export async function timed<T>(work: () => Promise<T>): Promise<[Sample, T]> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return [{ wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 }, value];
}
