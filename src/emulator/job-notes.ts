import type { JobStore } from './jobs.js';

/**
 * What an API remembers about a job beyond what its id carries (job-id.ts): a whole request
 * body to list it with, the moment it was cancelled. Kept per emulator (per JobStore), in
 * memory, like JobStore's own listing: a job created by another process has no notes.
 */
export class JobNotes<T> {
  private readonly byStore = new WeakMap<JobStore, Map<string, T>>();

  get(jobs: JobStore, id: string): T | undefined {
    return this.byStore.get(jobs)?.get(id);
  }

  set(jobs: JobStore, id: string, value: T): void {
    let notes = this.byStore.get(jobs);
    if (!notes) this.byStore.set(jobs, (notes = new Map()));
    notes.set(id, value);
  }
}
