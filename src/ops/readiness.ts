/**
 * Whether the process can serve, for `GET /readyz`: each part that must be up registers a check
 * that returns null when it is fine, or why it is not, in words an operator can act on. Parts the
 * bot serves without (the answer log) register a degraded check instead: it is reported, but the
 * process stays ready, since restarting or routing around it would not help.
 */
export class Readiness {
  private readonly checks = new Map<string, () => string | null>();
  private readonly degradedChecks = new Map<string, () => string | null>();

  /** Adds or replaces the check called `name`. */
  set(name: string, check: () => string | null): void {
    this.checks.set(name, check);
  }

  delete(name: string): void {
    this.checks.delete(name);
  }

  /** Why the process is not ready; empty when it is. */
  reasons(): string[] {
    const reasons: string[] = [];
    for (const check of this.checks.values()) {
      const reason = check();
      if (reason !== null) reasons.push(reason);
    }
    return reasons;
  }

  /** Adds or replaces a check of something the process serves without; null when it is fine. */
  setDegraded(name: string, check: () => string | null): void {
    this.degradedChecks.set(name, check);
  }

  /** What works less well than it should while the process still serves; empty when nothing. */
  degraded(): string[] {
    const reasons: string[] = [];
    for (const check of this.degradedChecks.values()) {
      const reason = check();
      if (reason !== null) reasons.push(reason);
    }
    return reasons;
  }
}
