import { Injectable } from '@nestjs/common';

/** The state of one optional part of the gateway other than a backend (for example search's embeddings endpoint). */
export interface ComponentHealth {
  /**
   * `up`: working; `down`: not working, the gateway works around it (see `reason`); `pending`: not ready yet;
   * `degraded`: not working and the gateway as a whole is degraded (the shared store: replicas no longer share).
   */
  status: 'up' | 'down' | 'pending' | 'degraded';
  reason?: string;
}

/**
 * Where libs above health report such parts, so that GET /health shows them without health depending on those libs.
 * A component never changes the gateway's overall status: each one that can fail has a fallback.
 */
@Injectable()
export class HealthComponents {
  private readonly reporters = new Map<string, () => ComponentHealth>();

  register(name: string, report: () => ComponentHealth): void {
    this.reporters.set(name, report);
  }

  all(): Record<string, ComponentHealth> {
    return Object.fromEntries([...this.reporters].map(([name, report]) => [name, report()]));
  }
}
