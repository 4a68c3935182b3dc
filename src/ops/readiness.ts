/**
 * Whether the process can serve, for `GET /readyz`: each part that must be up registers a check
 * that returns null when it is fine, or why it is not, in words an operator can act on.
 */
export class Readiness {
  private readonly checks = new Map<string, () => string | null>();

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
}
