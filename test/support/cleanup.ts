/**
 * Work to do once every suite has run (closing shared pools, dropping
 * schemas). test/run.ts calls runCleanup() after the run.
 */
const tasks: Array<() => Promise<void>> = [];

export function onCleanup(task: () => Promise<void>): void {
  tasks.push(task);
}

export async function runCleanup(): Promise<void> {
  for (const task of tasks.splice(0).reverse()) await task();
}
